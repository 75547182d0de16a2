# rule: conditional jumps read their operands
# expect: R4 !read_ok
r0 = 0
if r4 > 0 goto +0
exit
