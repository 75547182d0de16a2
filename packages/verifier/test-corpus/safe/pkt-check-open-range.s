# what: data + 7 < data_end leaves 8 bytes (Linux's open range)
# type: xdp
# expect: accept
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 7
if r4 >= r3 goto out
r0 = *(u64 *)(r2 + 0)
out:
r0 = 2
exit
