# rule: opcodes valid for the CPU version (jmp32 is v3)
# cpu: 2
# expect: unknown opcode 16
r0 = 0
if w0 == 0 goto +0
exit
