# expect: accept
# what: map_update_elem with key and value on the stack
# map: m hash 4 8 16
*(u32 *)(r10 - 4) = 1
*(u64 *)(r10 - 16) = 42
r1 = m ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call 2
r0 = 0
exit
