# rule: map lookups may return NULL: check before use
# map: m hash 4 8 16
# expect: R0 invalid mem access 'map_value_or_null'
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
*(u64 *)(r0 + 0) = 1
r0 = 0
exit
