# rule: records are released on every path
# map: rb ringbuf 0 0 4096
# type: kprobe
# expect: BPF_EXIT instruction in main prog would lead to reference leak
r6 = *(u64 *)(r1 + 112)
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
if r6 == 0 goto out
r1 = r0
r2 = 0
call 132
out:
r0 = 0
exit
