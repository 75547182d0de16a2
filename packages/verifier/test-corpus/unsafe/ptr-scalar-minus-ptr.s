# rule: scalar - pointer is meaningless
# expect: R2 tried to subtract pointer from scalar
r2 = 0
r2 -= r10
r0 = 0
exit
