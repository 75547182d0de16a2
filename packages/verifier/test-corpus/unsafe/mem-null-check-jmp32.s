# rule: only a 64-bit compare with 0 is a null check
# map: m hash 4 8 16
# expect: R0 invalid mem access 'map_value_or_null'
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if w0 == 0 goto +2
r0 = *(u64 *)(r0 + 0)
exit
r0 = 0
exit
