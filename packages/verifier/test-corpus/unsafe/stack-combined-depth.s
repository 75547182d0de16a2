# rule: the stacks of a call chain total at most 512 bytes
# expect: combined stack size of 2 calls is 544. Too large
*(u64 *)(r10 - 512) = 0
call fn
r0 = 0
exit
fn:
*(u64 *)(r10 - 8) = 0
r0 = 0
exit
