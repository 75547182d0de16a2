# rule: a map pointer cannot be dereferenced
# map: m hash 4 8 16
# expect: R1 invalid mem access 'map_ptr'
r1 = m ll
r0 = *(u64 *)(r1 + 0)
exit
