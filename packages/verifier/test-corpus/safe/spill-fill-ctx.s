# expect: accept
# what: a spilled context pointer keeps its type
# type: kprobe
*(u64 *)(r10 - 8) = r1
r1 = 0
r2 = *(u64 *)(r10 - 8)
r0 = *(u64 *)(r2 + 112)
exit
