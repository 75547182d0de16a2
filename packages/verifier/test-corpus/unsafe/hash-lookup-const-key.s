# rule: a hash map lookup may miss even with a known key: the result needs a NULL check
# type: kprobe
# map: m hash 4 8 4
# expect: R0 invalid mem access 'map_value_or_null'
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 0
exit
