# expect: accept
# what: trace_printk with its format on the stack
r1 = 0x0a6425 ll
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
r2 = 8
r3 = 42
r4 = 0
r5 = 0
call 6
r0 = 0
exit
