# rule: callx reads its register
# expect: R3 !read_ok
callx r3
r0 = 0
exit
