# expect: accept
# what: the RFC filter_ex2 counter: atomic add on a map value
# map: m hash 8 8 4096
r1 = m ll
r2 = r10
r2 += -8
*(u64 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r1 = 1
lock *(u64 *)(r0 + 0) += r1
r1 = atomic_fetch_add((u64 *)(r0 + 0), r1)
r0 = 0
exit
out:
r0 = 0
exit
