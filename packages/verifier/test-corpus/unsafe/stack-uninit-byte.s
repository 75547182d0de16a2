# rule: without CAP_PERFMON, every byte read must be initialised
# unprivileged
# expect: invalid read from stack off -3+0 size 1
*(u16 *)(r10 - 2) = 0
r0 = *(u8 *)(r10 - 3)
exit
