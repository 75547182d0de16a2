# expect: accept
# what: a map value can serve as a key
# map: m hash 8 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u64 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r2 = r0
r1 = m ll
call 1
r0 = 0
exit
out:
r0 = 0
exit
