# expect: accept
# what: raw memory with an index checked against the length in r2
# type: raw 16
r3 = *(u8 *)(r1 + 0)
if r3 >= r2 goto out
r1 += r3
r0 = *(u8 *)(r1 + 0)
exit
out:
r0 = 0
exit
