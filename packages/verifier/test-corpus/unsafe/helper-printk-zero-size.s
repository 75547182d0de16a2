# rule: a const_size argument is > 0
# expect: R2 invalid zero-sized read
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -8
r2 = 0
call 6
r0 = 0
exit
