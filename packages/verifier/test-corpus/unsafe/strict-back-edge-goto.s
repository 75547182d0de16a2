# rule: the RFC forbids loops (strict mode)
# strict
# expect: back-edge from insn 3 to 1
r0 = 0
loop:
r0 += 1
if r0 > 10 goto out
goto loop
out:
exit
