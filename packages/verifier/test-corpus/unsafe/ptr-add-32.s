# rule: 32-bit pointer arithmetic other than subtraction is refused
# expect: R1 32-bit pointer arithmetic prohibited
r1 = r10
w1 += 8
r0 = 0
exit
