# rule: reads beyond the checked length are rejected
# type: sched_cls
# expect: R2 offset is outside of the packet
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
