# rule: exit needs r0 initialised
# expect: R0 !read_ok
r1 = 1
exit
