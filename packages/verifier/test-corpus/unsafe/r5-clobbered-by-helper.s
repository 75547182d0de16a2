# rule: r1-r5 are clobbered by a helper call
# expect: R5 !read_ok
r5 = 1
call 7
r0 = r5
exit
