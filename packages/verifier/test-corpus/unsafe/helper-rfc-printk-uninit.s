# rule: without CAP_PERFMON, the RFC trace_printk format is initialised
# unprivileged
# expect: invalid read from stack R1 off -16+0 size 16
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -16
call 1004
r0 = 0
exit
