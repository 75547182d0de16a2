# rule: a 32-bit bound says nothing about the upper half
# map: m hash 4 8 16
# expect: R6 unbounded memory access, make sure to bounds check any such access
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 5
r0 >>= 1
if w0 > 7 goto out
r6 += r0
r1 = *(u8 *)(r6 + 0)
out:
r0 = 0
exit
