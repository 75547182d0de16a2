# rule: the RFC forbids loops, recursion included (strict mode)
# strict
# expect: back-edge from insn 2 to 2
call fn
exit
fn:
call fn
r0 = 0
exit
