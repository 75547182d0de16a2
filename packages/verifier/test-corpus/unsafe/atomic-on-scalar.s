# rule: atomics need a pointer
# expect: R1 invalid mem access 'scalar'
r1 = 0
r2 = 1
lock *(u64 *)(r1 + 0) += r2
r0 = 0
exit
