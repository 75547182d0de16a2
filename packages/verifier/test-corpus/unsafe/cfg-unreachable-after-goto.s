# rule: no dead code behind an unconditional jump
# expect: unreachable insn 2
r0 = 0
goto +1
r0 = 1
exit
