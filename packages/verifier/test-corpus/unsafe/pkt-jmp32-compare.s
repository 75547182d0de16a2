# rule: a 32-bit compare of packet pointers proves nothing
# type: sched_cls
# expect: R2 offset is outside of the packet
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 1
if w4 > w3 goto out
r0 = *(u8 *)(r2 + 0)
exit
out:
r0 = 0
exit
