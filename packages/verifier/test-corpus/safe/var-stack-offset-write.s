# expect: accept
# what: a variable-offset write keeps initialised bytes initialised
*(u64 *)(r10 - 16) = 1
*(u64 *)(r10 - 8) = 2
call 7
r0 &= 8
r2 = r10
r2 += -16
r2 += r0
*(u64 *)(r2 + 0) = 3
r0 = *(u64 *)(r10 - 16)
exit
