# expect: accept
# what: a bound from a register compare
# map: m array 4 8 1
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 7
r1 = 8
if r0 >= r1 goto out
r6 += r0
r0 = *(u8 *)(r6 + 0)
exit
out:
r0 = 0
exit
