# rule: a loop whose exit can never be taken
# expect: infinite loop detected at insn 1
r1 = 0
loop:
r1 &= 1
if r1 < 5 goto loop
r0 = 0
exit
