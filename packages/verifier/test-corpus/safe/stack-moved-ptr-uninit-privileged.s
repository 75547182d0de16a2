# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: reading uninitialised stack through a moved pointer
*(u64 *)(r10 - 8) = 0
r2 = r10
r2 += -16
r0 = *(u64 *)(r2 + 0)
exit
