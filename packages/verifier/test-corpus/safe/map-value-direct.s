# expect: accept
# what: a global variable (array map value) read and written
# map: data array 4 16 1
ld_pseudo r1, 6, 0
r0 = *(u64 *)(r1 + 8)
*(u64 *)(r1 + 0) = r0
exit
