# rule: keys live on the stack or in a map value
# type: kprobe
# map: m hash 4 8 16
# expect: R2 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value
r2 = r1
r1 = m ll
call 1
r0 = 0
exit
