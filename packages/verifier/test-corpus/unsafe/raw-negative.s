# rule: raw memory accesses stay inside the block
# type: raw 16
# expect: invalid access to memory, mem_size=16 off=-1 size=1
r0 = *(u8 *)(r1 - 1)
exit
