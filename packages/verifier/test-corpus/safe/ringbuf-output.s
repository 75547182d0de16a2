# expect: accept
# what: ringbuf_output from the stack
# map: rb ringbuf 0 0 4096
*(u64 *)(r10 - 8) = 7
r1 = rb ll
r2 = r10
r2 += -8
r3 = 8
r4 = 0
call 130
r0 = 0
exit
