# what: a variable stack offset that is a multiple of the access size is aligned
# expect: accept
call 7
r0 &= 8
r1 = r10
r1 += -16
r1 += r0
*(u64 *)(r10 - 16) = 0
*(u64 *)(r10 - 8) = 0
r0 = *(u64 *)(r1 + 0)
r0 = 0
exit
