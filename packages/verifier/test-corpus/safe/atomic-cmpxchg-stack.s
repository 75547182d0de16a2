# expect: accept
# what: cmpxchg on the stack
*(u64 *)(r10 - 8) = 0
r0 = 0
r1 = 5
r0 = cmpxchg_64(r10 - 8, r0, r1)
r0 = *(u64 *)(r10 - 8)
exit
