# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: reading uninitialised stack is rejected
r0 = *(u64 *)(r10 - 8)
exit
