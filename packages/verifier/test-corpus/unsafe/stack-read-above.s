# rule: nothing lives at or above the frame pointer
# expect: invalid read from stack R10 off=4 size=4
r0 = *(u32 *)(r10 + 4)
exit
