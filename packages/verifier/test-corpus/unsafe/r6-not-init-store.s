# rule: stores read their source
# expect: R6 !read_ok
*(u64 *)(r10 - 8) = r6
r0 = 0
exit
