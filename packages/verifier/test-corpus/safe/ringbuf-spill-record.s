# expect: accept
# what: a record pointer spilled and filled is still the record
# map: rb ringbuf 0 0 4096
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
*(u64 *)(r10 - 8) = r0
r1 = *(u64 *)(r10 - 8)
r2 = 0
call 132
out:
r0 = 0
exit
