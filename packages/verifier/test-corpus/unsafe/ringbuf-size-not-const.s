# rule: a ring buffer record has a constant size
# map: rb ringbuf 0 0 4096
# expect: R2 is not a known constant'
call 7
r2 = r0
r2 &= 0xff
r1 = rb ll
r3 = 0
call 131
r0 = 0
exit
