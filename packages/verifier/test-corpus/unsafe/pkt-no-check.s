# rule: packet reads need a data_end check
# type: sched_cls
# expect: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r0 = *(u8 *)(r2 + 0)
exit
