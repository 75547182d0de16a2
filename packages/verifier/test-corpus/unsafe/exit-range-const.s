# rule: r0 within the program type's range
# ret: 0 1
# expect: At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]
r0 = 2
exit
