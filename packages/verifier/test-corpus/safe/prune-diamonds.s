# expect: accept
# what: a chain of branches that pruning keeps small
# type: kprobe
r6 = *(u64 *)(r1 + 112)
r0 = 0
if r6 == 0 goto +1
r0 += 1
if r6 == 1 goto +1
r0 += 1
if r6 == 2 goto +1
r0 += 1
if r6 == 3 goto +1
r0 += 1
if r6 == 4 goto +1
r0 += 1
if r6 == 5 goto +1
r0 += 1
if r6 == 6 goto +1
r0 += 1
if r6 == 7 goto +1
r0 += 1
if r6 == 8 goto +1
r0 += 1
if r6 == 9 goto +1
r0 += 1
if r6 == 10 goto +1
r0 += 1
if r6 == 11 goto +1
r0 += 1
if r6 == 12 goto +1
r0 += 1
if r6 == 13 goto +1
r0 += 1
if r6 == 14 goto +1
r0 += 1
if r6 == 15 goto +1
r0 += 1
if r6 == 16 goto +1
r0 += 1
if r6 == 17 goto +1
r0 += 1
if r6 == 18 goto +1
r0 += 1
if r6 == 19 goto +1
r0 += 1
if r6 == 20 goto +1
r0 += 1
if r6 == 21 goto +1
r0 += 1
if r6 == 22 goto +1
r0 += 1
if r6 == 23 goto +1
r0 += 1
if r6 == 24 goto +1
r0 += 1
if r6 == 25 goto +1
r0 += 1
if r6 == 26 goto +1
r0 += 1
if r6 == 27 goto +1
r0 += 1
if r6 == 28 goto +1
r0 += 1
if r6 == 29 goto +1
r0 += 1
exit
