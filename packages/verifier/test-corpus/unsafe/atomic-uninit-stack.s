# rule: without CAP_PERFMON, atomics read the old value
# unprivileged
# expect: invalid read from stack off -8+0 size 8
r1 = 1
lock *(u64 *)(r10 - 8) += r1
r0 = 0
exit
