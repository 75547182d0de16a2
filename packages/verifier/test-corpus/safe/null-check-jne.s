# expect: accept
# what: the != form of the null check
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 != 0 goto ok
r0 = 0
exit
ok:
r0 = *(u32 *)(r0 + 4)
exit
