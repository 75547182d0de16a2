# rule: a copy of a maybe-NULL pointer is maybe-NULL too
# map: m hash 4 8 16
# expect: R6 invalid mem access 'map_value_or_null'
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r6 = r0
r0 = *(u64 *)(r6 + 0)
exit
