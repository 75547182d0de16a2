# rule: without CAP_PERFMON, reading uninitialised stack through a moved pointer
# unprivileged
# expect: invalid read from stack off -16+0 size 8
*(u64 *)(r10 - 8) = 0
r2 = r10
r2 += -16
r0 = *(u64 *)(r2 + 0)
exit
