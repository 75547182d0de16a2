# rule: every iteration of a bounded loop is checked
# expect: invalid write to stack R2 off=0 size=8
r1 = 0
loop:
r2 = r10
r2 += -64
r3 = r1
r3 <<= 3
r2 += r3
*(u64 *)(r2 + 0) = 0
r1 += 1
if r1 <= 8 goto loop
r0 = 0
exit
