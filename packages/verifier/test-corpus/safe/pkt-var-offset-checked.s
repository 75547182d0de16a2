# what: a packet pointer moved by a bounded variable is checked against the end itself; the range carries over its id (Linux's find_good_pkt_pointers)
# type: sched_cls
# expect: accept
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = *(u32 *)(r1 + 0)
r4 &= 0xff
r2 += r4
r5 = r2
r5 += 8
if r5 > r3 goto out
r0 = *(u32 *)(r2 + 4)
r0 = *(u8 *)(r5 - 1)
out:
r0 = 0
exit
