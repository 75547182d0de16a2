# rule: only ring buffer records are submitted
# map: m hash 4 8 16
# expect: R1 type=map_value expected=ringbuf_mem
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
r1 = r0
r2 = 0
call 132
out:
r0 = 0
exit
