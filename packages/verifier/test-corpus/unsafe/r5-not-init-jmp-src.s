# rule: conditional jumps read their operands
# expect: R5 !read_ok
r0 = 0
if r0 > r5 goto +0
exit
