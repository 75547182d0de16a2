# rule: unprivileged programs may not pass a pointer as the flags (ARG_ANYTHING)
# map: m hash 4 8 16
# unprivileged
# expect: R4 leaks addr into helper function
r1 = m ll
r2 = r10
r2 += -8
*(u64 *)(r10 - 8) = 0
*(u64 *)(r10 - 16) = 0
r3 = r10
r3 += -16
r4 = r10
call 2
r0 = 0
exit
