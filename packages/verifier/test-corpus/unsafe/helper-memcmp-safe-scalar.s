# rule: bpf_memcmp's second argument is memory the program owns
# type: kprobe
# expect: R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
r1 = *(u64 *)(r1 + 104)
r2 = 0
r3 = 2
call 1001
exit
