# rule: without CAP_PERFMON, the key must be initialised
# unprivileged
# map: m hash 4 8 16
# expect: invalid read from stack R2 off -8+0 size 4
r1 = m ll
r2 = r10
r2 += -8
call 1
r0 = 0
exit
