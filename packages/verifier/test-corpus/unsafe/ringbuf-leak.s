# rule: reserved records are submitted or discarded
# map: rb ringbuf 0 0 4096
# expect: BPF_EXIT instruction in main prog would lead to reference leak
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
*(u64 *)(r0 + 0) = 1
out:
r0 = 0
exit
