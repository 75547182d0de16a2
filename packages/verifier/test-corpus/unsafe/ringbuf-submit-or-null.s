# rule: only a checked record can be submitted
# map: rb ringbuf 0 0 4096
# expect: R1 type=ringbuf_mem_or_null expected=ringbuf_mem
r1 = rb ll
r2 = 8
r3 = 0
call 131
r1 = r0
r2 = 0
call 132
r0 = 0
exit
