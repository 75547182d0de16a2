# rule: opcodes valid for the CPU version (bswap is v4)
# cpu: 3
# expect: unknown opcode d7
r0 = 1
r0 = bswap16 r0
exit
