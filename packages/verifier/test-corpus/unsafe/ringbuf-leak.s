# rule: reserved records are submitted or discarded
# map: rb ringbuf 0 0 4096
# expect: Unreleased reference id=1 alloc_insn=3
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
*(u64 *)(r0 + 0) = 1
out:
r0 = 0
exit
