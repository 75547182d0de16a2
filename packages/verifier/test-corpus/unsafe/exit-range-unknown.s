# rule: r0 within the program type's range
# ret: 0 1
# expect: At program exit the register R0 has unknown scalar value should have been in [0, 1]
call 7
exit
