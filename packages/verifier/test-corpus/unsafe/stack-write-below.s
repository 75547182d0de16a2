# rule: the stack is 512 bytes
# expect: invalid write to stack R10 off=-520 size=8
*(u64 *)(r10 - 520) = 0
r0 = 0
exit
