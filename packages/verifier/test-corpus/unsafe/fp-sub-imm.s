# rule: nothing may be subtracted from a stack pointer (Linux: JITs may not cope), even a constant
# expect: R1 subtraction from stack pointer prohibited
r1 = r10
r1 -= 8
r0 = 0
exit
