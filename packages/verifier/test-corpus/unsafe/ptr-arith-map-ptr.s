# rule: no arithmetic on a map pointer
# map: m hash 4 8 16
# expect: R2 pointer arithmetic on map_ptr prohibited
r2 = m ll
r2 += 8
r0 = 0
exit
