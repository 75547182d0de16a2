# rule: stores need a pointer
# expect: R2 invalid mem access 'scalar'
r2 = 100
*(u32 *)(r2 + 0) = 1
r0 = 0
exit
