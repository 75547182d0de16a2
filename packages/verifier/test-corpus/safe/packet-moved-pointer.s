# expect: accept
# what: a moved packet pointer reads inside the checked length
# type: sched_cls
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 8
if r4 > r3 goto out
r5 = r2
r5 += 4
r0 = *(u32 *)(r5 + 0)
exit
out:
r0 = 0
exit
