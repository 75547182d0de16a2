# rule: without CAP_PERFMON, stack must be initialised on every path
# unprivileged
# type: kprobe
# expect: invalid read from stack off -8+0 size 8
r2 = *(u64 *)(r1 + 112)
if r2 == 0 goto +1
*(u64 *)(r10 - 8) = r2
r0 = *(u64 *)(r10 - 8)
exit
