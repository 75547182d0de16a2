# rule: without CAP_PERFMON, reading uninitialised stack is rejected
# unprivileged
# expect: invalid read from stack off -8+0 size 8
r0 = *(u64 *)(r10 - 8)
exit
