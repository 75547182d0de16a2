# rule: r1-r5 are clobbered by a helper call
# expect: R1 !read_ok
r1 = 1
call 5
r0 = r1
exit
