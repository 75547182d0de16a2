# rule: a loop without progress
# expect: infinite loop detected at insn 1
call 7
loop:
r0 += 1
if r0 != 0 goto loop
exit
