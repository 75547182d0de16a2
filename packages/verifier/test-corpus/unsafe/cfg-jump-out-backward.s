# rule: jumps stay inside the program
# expect: jump out of range from insn 1 to -3
r0 = 0
goto -5
exit
