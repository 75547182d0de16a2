# what: a 2-byte fill of an 8-byte spilled scalar is its low bytes, bounds kept where the high bits are known (Linux's coerce_reg_to_size)
# type: kprobe
# expect: accept
# map: m array 4 64 1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
r6 = r0
r1 = *(u32 *)(r6 + 0)
r1 &= 63
r1 += 0x10000
*(u64 *)(r10 - 16) = r1
r2 = *(u16 *)(r10 - 16)
r6 += r2
r0 = *(u8 *)(r6 + 0)
r0 = 0
exit
