# rule: no atomics on packet data
# type: sched_cls
# expect: BPF_ATOMIC stores into R2 pkt is not allowed
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = 1
lock *(u32 *)(r2 + 0) += w4
r0 = 0
exit
