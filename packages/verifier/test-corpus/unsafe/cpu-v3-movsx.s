# rule: opcodes valid for the CPU version (movsx is v4)
# cpu: 3
# expect: unknown opcode bf
r1 = 1
r0 = (s8)r1
exit
