# expect: accept
# what: probe_read initialises the stack buffer it writes
# type: kprobe
r3 = *(u64 *)(r1 + 104)
r1 = r10
r1 += -16
r2 = 16
call 4
r0 = *(u64 *)(r10 - 8)
exit
