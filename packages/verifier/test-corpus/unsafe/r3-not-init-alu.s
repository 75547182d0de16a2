# rule: ALU reads its destination
# expect: R3 !read_ok
r3 += 1
r0 = 0
exit
