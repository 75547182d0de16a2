# rule: a signed index needs a lower bound
# map: m hash 4 8 16
# expect: R6 min value is negative, either use unsigned index or do a if (index >=0) check.
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 5
if r0 s> 4 goto out
if r0 s< -4 goto out
r6 += r0
r1 = *(u8 *)(r6 + 0)
out:
r0 = 0
exit
