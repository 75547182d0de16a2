# rule: no arithmetic on data_end
# type: sched_cls
# expect: R2 pointer arithmetic on pkt_end prohibited
r2 = *(u32 *)(r1 + 80)
r2 += 1
r0 = 0
exit
