# rule: packet reads need a data_end check
# type: sched_cls
# expect: R2 offset is outside of the packet
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r0 = *(u8 *)(r2 + 0)
exit
