# expect: accept
# what: a null check on the original refines the copy
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r6 = r0
if r0 == 0 goto out
r0 = *(u64 *)(r6 + 0)
exit
out:
r0 = 0
exit
