# rule: the range of a variable-offset packet pointer counts from the pointer's variable part
# type: sched_cls
# expect: R2 offset is outside of the packet
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = *(u32 *)(r1 + 0)
r4 &= 0xff
r2 += r4
r5 = r2
r5 += 8
if r5 > r3 goto out
r0 = *(u32 *)(r2 + 6)
out:
r0 = 0
exit
