# rule: ringbuf helpers need a ring buffer
# map: m hash 4 8 16
# expect: cannot pass map_type 1 into func bpf_ringbuf_output#130
r1 = m ll
r2 = r10
r2 += -8
*(u64 *)(r10 - 8) = 0
r3 = 8
r4 = 0
call 130
r0 = 0
exit
