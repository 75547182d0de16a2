# rule: reads beyond the checked length are rejected
# type: sched_cls
# expect: invalid access to packet, off=4 size=4, R2(id=0,off=0,r=4)
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 4
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 4)
exit
out:
r0 = 0
exit
