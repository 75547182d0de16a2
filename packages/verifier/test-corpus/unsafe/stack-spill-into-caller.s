# rule: a callee cannot store its frame pointer into its caller's frame
# expect: cannot spill pointers to stack into stack frame of the caller
r1 = r10
r1 += -8
call fn
r0 = 0
exit
fn:
*(u64 *)(r1 + 0) = r10
r0 = 0
exit
