# rule: nothing may be subtracted from a stack pointer, not even a known register
# expect: R1 subtraction from stack pointer prohibited
r2 = 8
r1 = r10
r1 -= r2
r0 = 0
exit
