# rule: a null check refines every copy: on the NULL edge copies are NULL
# map: m hash 4 8 16
# expect: R6 invalid mem access 'scalar'
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r6 = r0
if r0 != 0 goto +2
r0 = *(u64 *)(r6 + 0)
exit
r0 = 0
exit
