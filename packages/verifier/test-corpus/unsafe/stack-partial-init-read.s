# rule: without CAP_PERFMON, every byte read must be initialised
# unprivileged
# expect: invalid read from stack off -8+4 size 8
*(u32 *)(r10 - 8) = 0
r0 = *(u64 *)(r10 - 8)
exit
