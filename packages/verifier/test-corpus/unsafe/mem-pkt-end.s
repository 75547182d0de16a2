# rule: data_end cannot be dereferenced
# type: sched_cls
# expect: R2 invalid mem access 'pkt_end'
r2 = *(u32 *)(r1 + 80)
r0 = *(u8 *)(r2 + 0)
exit
