# rule: `w5 = w0` links only the low halves: a 32-bit bound on w5 leaves the upper half of r0 unknown
# expect: R6 unbounded memory access, make sure to bounds check any such access
# map: m array 4 128 1
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 5
r0 >>= 1
w5 = w0
if w5 > 15 goto out
r6 += r0
*(u64 *)(r6 + 0) = 1
out:
r0 = 0
exit
