# rule: opcodes valid for the CPU version (gotol is v4)
# cpu: 3
# expect: unknown opcode 06
r0 = 0
gotol +0
exit
