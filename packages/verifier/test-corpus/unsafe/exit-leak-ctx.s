# rule: r0 is a scalar at exit
# type: kprobe
# expect: R0 leaks addr as return value
r0 = r1
exit
