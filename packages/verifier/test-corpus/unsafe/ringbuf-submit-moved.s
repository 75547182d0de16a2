# rule: a record is released by its start address
# map: rb ringbuf 0 0 4096
# expect: R1 must have zero offset when passed to release func
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r1 += 4
r2 = 0
call 132
out:
r0 = 0
exit
