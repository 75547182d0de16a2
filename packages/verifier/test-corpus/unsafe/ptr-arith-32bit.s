# rule: pointer arithmetic is 64-bit only
# type: kprobe
# expect: R1 32-bit pointer arithmetic prohibited
w1 += 1
r0 = 0
exit
