# expect: accept
# what: a spilled scalar keeps its bounds
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 7
r0 &= 7
*(u64 *)(r10 - 16) = r0
r1 = *(u64 *)(r10 - 16)
r6 += r1
r0 = *(u8 *)(r6 + 0)
exit
out:
r0 = 0
exit
