# rule: without CAP_PERFMON, every key byte must be initialised
# unprivileged
# map: m hash 8 8 16
# expect: invalid read from stack R2 off -8+4 size 8
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r0 = 0
exit
