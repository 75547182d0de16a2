# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: every byte read must be initialised
*(u16 *)(r10 - 2) = 0
r0 = *(u8 *)(r10 - 3)
exit
