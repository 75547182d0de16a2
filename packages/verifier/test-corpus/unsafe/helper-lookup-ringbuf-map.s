# rule: ring buffers are not looked up
# map: rb ringbuf 0 0 4096
# expect: cannot pass map_type 27 into func bpf_map_lookup_elem#1
r1 = rb ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
r0 = 0
exit
