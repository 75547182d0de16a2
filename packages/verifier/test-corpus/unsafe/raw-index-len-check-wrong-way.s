# rule: checking the wrong edge leaves the index out of range
# type: raw 16
# expect: R3 min value is outside of the allowed memory range
r2 = *(u8 *)(r1 + 0)
if r2 < 16 goto out
r3 = r1
r3 += r2
r0 = *(u8 *)(r3 + 0)
exit
out:
r0 = 0
exit
