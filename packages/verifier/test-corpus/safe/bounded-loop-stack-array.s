# expect: accept
# what: a loop fills a stack array, another reads it
r1 = 0
fill:
r2 = r10
r2 += -64
r3 = r1
r3 <<= 3
r2 += r3
*(u64 *)(r2 + 0) = 0
r1 += 1
if r1 < 8 goto fill
r0 = *(u64 *)(r10 - 64)
r1 = *(u64 *)(r10 - 8)
r0 += r1
exit
