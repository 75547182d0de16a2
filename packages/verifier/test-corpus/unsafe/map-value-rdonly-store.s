# rule: read-only maps (.rodata) cannot be written
# map: ro array 4 16 1 rdonly
# expect: write into map forbidden, value_size=16 off=0 size=4
ld_pseudo r1, 6, 0
*(u32 *)(r1 + 0) = 1
r0 = 0
exit
