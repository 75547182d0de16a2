# expect: accept
# what: a spilled stack pointer keeps its offset
*(u64 *)(r10 - 16) = 7
r1 = r10
r1 += -16
*(u64 *)(r10 - 8) = r1
r2 = *(u64 *)(r10 - 8)
r0 = *(u64 *)(r2 + 0)
exit
