# rule: loads read their base
# expect: R7 !read_ok
r0 = *(u64 *)(r7 + 0)
exit
