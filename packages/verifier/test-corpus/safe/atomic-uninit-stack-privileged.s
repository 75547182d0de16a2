# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: atomics read the old value
r1 = 1
lock *(u64 *)(r10 - 8) += r1
r0 = 0
exit
