# expect: accept
# what: a loop index used into a map value
# map: m array 4 16 1
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r1 = 0
loop:
r2 = r0
r2 += r1
*(u8 *)(r2 + 0) = 1
r1 += 1
if r1 < 16 goto loop
r0 = 0
exit
out:
r0 = 0
exit
