# rule: a void helper leaves r0 unreadable
# type: kprobe
# expect: R0 !read_ok
call 1003
exit
