# rule: a direct map value pointer is bounded by value_size
# map: arr array 4 16 1
# expect: invalid access to map value, value_size=16 off=16 size=4
ld_pseudo r1, 6, 0
r0 = *(u32 *)(r1 + 16)
exit
