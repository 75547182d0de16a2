# rule: comparing with 1 is no null check
# map: m hash 4 8 16
# expect: R0 invalid mem access 'map_value_or_null'
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 1 goto +2
r0 = *(u64 *)(r0 + 0)
exit
r0 = 0
exit
