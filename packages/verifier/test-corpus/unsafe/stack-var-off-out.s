# rule: a variable-offset access stays inside the stack
# expect: invalid variable-offset read from stack R2 var_off=(0x0; 0x3f8) off=-512 size=8
call 7
r0 &= 0x3f8
r2 = r10
r2 += -512
r2 += r0
r0 = *(u64 *)(r2 + 0)
exit
