# rule: raw memory stores stay inside the block
# type: raw 16
# expect: invalid access to memory, mem_size=16 off=12 size=8
*(u64 *)(r1 + 12) = 0
r0 = 0
exit
