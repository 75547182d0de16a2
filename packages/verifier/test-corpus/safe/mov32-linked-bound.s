# expect: accept
# what: `w5 = w0` links the low halves: a 32-bit check on w0 bounds r5 (bpf-gcc emits this)
# map: m array 4 128 1
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r6 = r0
call 7
w5 = w0
if w0 > 15 goto out
r5 <<= 3
r6 += r5
*(u64 *)(r6 + 0) = 1
out:
r0 = 0
exit
