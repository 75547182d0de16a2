# rule: a load through a stack pointer must be aligned for every value of its variable part (Linux's strict stack alignment)
# expect: misaligned stack access off (0x0; 0x7)+-16+0 size 8
call 7
r0 &= 7
r1 = r10
r1 += -16
r1 += r0
*(u64 *)(r10 - 16) = 0
*(u64 *)(r10 - 8) = 0
r0 = *(u64 *)(r1 + 0)
r0 = 0
exit
