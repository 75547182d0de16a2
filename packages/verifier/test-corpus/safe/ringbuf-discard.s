# expect: accept
# what: reserve then discard on one path, submit on the other
# map: rb ringbuf 0 0 4096
# type: kprobe
r6 = *(u64 *)(r1 + 112)
r1 = rb ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r2 = 0
if r6 == 0 goto discard
call 132
goto out
discard:
call 133
out:
r0 = 0
exit
