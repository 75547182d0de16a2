# rule: a variable-offset read needs every byte it may touch initialised
# expect: invalid variable-offset read from stack R2 var_off=(0x0; 0x8)+-16 size=8
*(u64 *)(r10 - 16) = 0
call 7
r0 &= 8
r2 = r10
r2 += -16
r2 += r0
r0 = *(u64 *)(r2 + 0)
exit
