# rule: trace_printk takes a pointer to its format
# expect: R1 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
r1 = 0
r2 = 4
call 6
r0 = 0
exit
