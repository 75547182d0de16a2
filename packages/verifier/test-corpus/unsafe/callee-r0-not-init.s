# rule: a function returns r0
# expect: R0 !read_ok
call fn
exit
fn:
exit
