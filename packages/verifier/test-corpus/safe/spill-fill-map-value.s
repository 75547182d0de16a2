# expect: accept
# what: a spilled map value pointer keeps its type and null state
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
*(u64 *)(r10 - 16) = r0
r6 = *(u64 *)(r10 - 16)
r0 = *(u64 *)(r6 + 0)
exit
out:
r0 = 0
exit
