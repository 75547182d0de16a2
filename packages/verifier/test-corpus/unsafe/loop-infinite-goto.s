# rule: infinite loops are rejected
# expect: infinite loop detected at insn 1
r0 = 0
l:
goto l
