# rule: raw memory accesses stay inside the block
# type: raw 16
# expect: invalid access to memory, mem_size=16 off=16 size=8
r0 = *(u64 *)(r1 + 16)
exit
