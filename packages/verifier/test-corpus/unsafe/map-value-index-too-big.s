# rule: a variable index must be within value_size
# map: m hash 4 8 16
# expect: R6 max value is outside of the allowed memory range
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 5
r0 &= 0xff
r6 += r0
r1 = *(u8 *)(r6 + 0)
out:
r0 = 0
exit
