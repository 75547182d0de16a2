# rule: a program may not end holding a bpf_spin_lock
# type: sched_cls
# map: m array 4 8 1 lock@4
# expect: BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region
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
r0 = 0
exit
out:
r0 = 0
exit
