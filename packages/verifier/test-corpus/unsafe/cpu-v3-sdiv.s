# rule: opcodes valid for the CPU version (sdiv is v4)
# cpu: 3
# expect: unknown opcode 37
r0 = 10
r0 s/= 2
exit
