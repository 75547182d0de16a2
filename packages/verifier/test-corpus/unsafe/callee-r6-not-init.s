# rule: a called function starts with only r1-r5 and r10
# expect: R6 !read_ok
r6 = 1
call fn
exit
fn:
r0 = r6
exit
