# rule: map value accesses stay inside value_size
# map: m hash 4 8 16
# expect: invalid access to map value, value_size=8 off=-1 size=1
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r1 = *(u8 *)(r0 - 1)
out:
r0 = 0
exit
