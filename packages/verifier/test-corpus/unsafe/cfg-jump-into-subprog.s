# rule: jumps stay inside their function
# expect: jump out of range from insn 1 to 2
call fn
goto fn
fn:
r0 = 0
exit
