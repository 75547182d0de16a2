# rule: exit needs r0 initialised on every path
# type: kprobe
# expect: R0 !read_ok
r1 = *(u64 *)(r1 + 112)
if r1 == 0 goto +1
r0 = 0
exit
