# rule: no helper may be called inside a bpf_spin_lock region but bpf_spin_unlock
# type: sched_cls
# map: m array 4 8 1 lock@4
# expect: function calls are not allowed while holding a lock
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
if r0 == 0 goto out
r6 = r0
r1 = r0
r1 += 4
call 93
call 7
r1 = r6
r1 += 4
call 94
out:
r0 = 0
exit
