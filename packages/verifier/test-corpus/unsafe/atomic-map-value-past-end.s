# rule: atomics stay inside the map value
# map: m hash 4 8 16
# expect: invalid access to map value, value_size=8 off=4 size=8
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r1 = 1
lock *(u64 *)(r0 + 4) += r1
out:
r0 = 0
exit
