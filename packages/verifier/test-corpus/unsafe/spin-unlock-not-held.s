# rule: bpf_spin_unlock needs the lock taken
# type: sched_cls
# map: m array 4 8 1 lock@4
# expect: bpf_spin_unlock without taking a lock
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
if r0 == 0 goto out
r6 = r0
r1 = r0
r1 += 4
call 94
out:
r0 = 0
exit
