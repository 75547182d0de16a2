# expect: accept
# what: writes into a checked map value
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
*(u64 *)(r0 + 0) = 1
r1 = 2
*(u32 *)(r0 + 4) = r1
r0 = 0
exit
out:
r0 = 0
exit
