# rule: a function ends with exit or a jump
# expect: last insn is not an exit or jmp
r0 = 0
call fn
r0 = 1
fn:
r0 = 2
exit
