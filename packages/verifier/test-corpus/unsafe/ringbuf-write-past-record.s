# rule: a record has its reserved size
# map: rb ringbuf 0 0 4096
# expect: invalid access to memory, mem_size=8 off=8 size=8
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
*(u64 *)(r0 + 8) = 1
r1 = r0
r2 = 0
call 132
out:
r0 = 0
exit
