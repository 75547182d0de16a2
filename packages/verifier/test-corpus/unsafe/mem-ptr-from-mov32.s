# rule: a 32-bit copy of a pointer is no pointer
# expect: R2 invalid mem access 'scalar'
*(u64 *)(r10 - 8) = 0
w2 = w10
r0 = *(u64 *)(r2 - 8)
exit
