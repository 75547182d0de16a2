# rule: helper arguments must be initialised
# type: kprobe
# map: m hash 4 8 16
# expect: R2 !read_ok
r1 = m ll
call 1
r0 = 0
exit
