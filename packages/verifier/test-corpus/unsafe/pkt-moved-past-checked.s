# rule: the checked length counts from the packet start, also through a moved pointer
# type: sched_cls
# expect: R4 offset is outside of the packet
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 4
if r4 > r3 goto out
r0 = *(u32 *)(r4 + 0)
exit
out:
r0 = 0
exit
