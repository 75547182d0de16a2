# rule: no fall-through past the last instruction
# expect: jump out of range from insn 1 to 2
r0 = 0
if r0 == 0 goto +0
