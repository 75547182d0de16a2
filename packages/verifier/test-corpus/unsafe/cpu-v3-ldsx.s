# rule: opcodes valid for the CPU version (sign-extending loads are v4)
# cpu: 3
# type: raw 8
# expect: unknown opcode 91
r0 = *(s8 *)(r1 + 0)
exit
