# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: a variable-offset read needs every byte it may touch initialised
*(u64 *)(r10 - 16) = 0
call 7
r0 &= 8
r2 = r10
r2 += -16
r2 += r0
r0 = *(u64 *)(r2 + 0)
exit
