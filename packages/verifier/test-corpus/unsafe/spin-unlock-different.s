# rule: bpf_spin_unlock must release the lock that was taken (same value)
# type: sched_cls
# map: m array 4 8 2 lock@4
# expect: bpf_spin_unlock of different lock
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
if r0 == 0 goto out
r6 = r0
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = m ll
call 1
if r0 == 0 goto out
r7 = r0
r1 = r6
r1 += 4
call 93
r1 = r7
r1 += 4
call 94
out:
r0 = 0
exit
