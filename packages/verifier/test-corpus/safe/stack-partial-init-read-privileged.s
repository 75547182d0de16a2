# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: every byte read must be initialised
*(u32 *)(r10 - 8) = 0
r0 = *(u64 *)(r10 - 8)
exit
