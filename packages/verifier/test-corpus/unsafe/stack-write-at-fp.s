# rule: nothing lives at or above the frame pointer
# expect: invalid write to stack R10 off=0 size=8
*(u64 *)(r10 + 0) = 0
r0 = 0
exit
