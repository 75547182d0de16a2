# what: a bounded scalar stored with 4 bytes at a slot's start is a narrow spill: the fill keeps its bounds (Linux, CAP_BPF)
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
*(u32 *)(r10 - 16) = r1
r2 = *(u32 *)(r10 - 16)
r6 += r2
r0 = *(u8 *)(r6 + 0)
r0 = 0
exit
