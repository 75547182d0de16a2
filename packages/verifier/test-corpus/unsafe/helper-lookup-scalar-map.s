# rule: map helpers take a map from lddw
# expect: R1 type=scalar expected=map_ptr
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
r1 = 0
call 1
r0 = 0
exit
