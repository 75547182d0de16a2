# rule: the RFC trace_printk format is NUL-terminated
# expect: string is not zero-terminated
r1 = 0x4141414141414141 ll
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
call 1004
r0 = 0
exit
