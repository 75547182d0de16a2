# what: an array element looked up by a known in-range key exists: no NULL check needed (Linux elides it)
# type: kprobe
# expect: accept
# map: m array 4 8 4
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = m ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 0
exit
