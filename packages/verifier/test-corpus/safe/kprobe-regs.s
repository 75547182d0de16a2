# expect: accept
# what: every pt_regs field, and narrow loads
# type: kprobe
r0 = *(u64 *)(r1 + 0)
r2 = *(u64 *)(r1 + 160)
r0 += r2
r2 = *(u32 *)(r1 + 112)
r0 += r2
r2 = *(u16 *)(r1 + 118)
r0 += r2
r2 = *(u8 *)(r1 + 105)
r0 += r2
exit
