# rule: no arithmetic on a maybe-NULL pointer
# map: m hash 4 8 16
# expect: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r0 += 1
r0 = 0
exit
