# expect: accept
# what: a loop-free program passes the RFC's strict mode
# strict
# type: kprobe
r6 = *(u64 *)(r1 + 104)
r0 = 0
if r6 == 0 goto out
r0 = 1
out:
exit
