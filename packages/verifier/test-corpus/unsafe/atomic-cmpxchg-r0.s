# rule: cmpxchg reads r0
# expect: R0 !read_ok
*(u64 *)(r10 - 8) = 0
r1 = 1
r0 = cmpxchg_64(r10 - 8, r0, r1)
exit
