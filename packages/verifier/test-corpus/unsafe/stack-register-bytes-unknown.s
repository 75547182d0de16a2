# rule: a register's known value stored as plain stack data (not at a slot's start) is unknown bytes, as in Linux
# type: kprobe
# map: m array 4 64 1
# expect: R6 max value is outside of the allowed memory range
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
r6 = r0
r1 = 0x100
*(u32 *)(r10 - 12) = r1
r2 = *(u8 *)(r10 - 12)
r6 += r2
r0 = *(u64 *)(r6 + 56)
r0 = 0
exit
