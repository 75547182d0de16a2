# rule: a callee cannot return a pointer to its own frame
# expect: cannot return stack pointer to the caller
call fn
r0 = 0
exit
fn:
r0 = r10
exit
