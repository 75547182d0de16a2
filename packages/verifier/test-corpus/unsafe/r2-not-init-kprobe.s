# rule: only r1 and r10 are initialised at entry
# type: kprobe
# expect: R2 !read_ok
r0 = r2
exit
