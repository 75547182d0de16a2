# rule: opcodes valid for the CPU version (jlt is v2)
# cpu: 1
# expect: unknown opcode a5
r0 = 0
if r0 < 1 goto +0
exit
