# rule: without CAP_PERFMON, helper reads need initialised memory
# unprivileged
# expect: invalid read from stack R1 off -8+0 size 8
r1 = r10
r1 += -8
r2 = 8
call 6
r0 = 0
exit
