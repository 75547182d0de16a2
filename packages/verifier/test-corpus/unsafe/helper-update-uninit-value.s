# rule: without CAP_PERFMON, the value must be initialised
# unprivileged
# map: m hash 4 8 16
# expect: invalid read from stack R3 off -16+0 size 8
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
r3 = r10
r3 += -16
r4 = 0
call 2
r0 = 0
exit
