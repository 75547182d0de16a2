# rule: a record is released once
# map: rb ringbuf 0 0 4096
# expect: R1 type=scalar expected=ringbuf_mem
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r6 = r0
r1 = r0
r2 = 0
call 132
r1 = r6
r2 = 0
call 132
out:
r0 = 0
exit
