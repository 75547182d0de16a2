# expect: accept
# what: a callee writes through a pointer into its caller's stack
r1 = r10
r1 += -8
call fill
r0 = *(u64 *)(r10 - 8)
exit
fill:
*(u64 *)(r1 + 0) = 42
r0 = 0
exit
