# expect: accept
# what: map_delete_elem
# map: m hash 4 8 16
*(u32 *)(r10 - 4) = 1
r1 = m ll
r2 = r10
r2 += -4
call 3
r0 = 0
exit
