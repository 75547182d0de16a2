# rule: r0 within the program type's range
# ret: 0 1
# expect: At program exit the register R0 is not a known value (fp)
r0 = r10
exit
