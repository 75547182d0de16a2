# rule: keys are pointers
# map: m hash 4 8 16
# expect: R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value
r1 = m ll
r2 = 0
call 1
r0 = 0
exit
