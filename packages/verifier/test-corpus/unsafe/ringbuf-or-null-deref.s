# rule: ringbuf_reserve may fail: check before use
# map: rb ringbuf 0 0 4096
# expect: R0 invalid mem access 'ringbuf_mem_or_null'
r1 = rb ll
r2 = 8
r3 = 0
call 131
*(u64 *)(r0 + 0) = 1
r0 = 0
exit
