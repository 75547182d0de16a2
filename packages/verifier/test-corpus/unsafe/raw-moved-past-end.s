# rule: a moved pointer keeps its offset
# type: raw 16
# expect: invalid access to memory, mem_size=16 off=17 size=1
r1 += 17
r0 = *(u8 *)(r1 + 0)
exit
