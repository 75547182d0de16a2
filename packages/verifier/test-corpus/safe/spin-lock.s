# what: a bpf_spin_lock taken and released around an update of the value that holds it
# type: sched_cls
# map: m array 4 8 1 lock@4
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
r1 = *(u32 *)(r6 + 0)
r1 += 1
*(u32 *)(r6 + 0) = r1
r1 = r6
r1 += 4
call 94
out:
r0 = 0
exit
