# expect: accept
# what: the RFC cover letter's trace_printk(fmt, a1..a4), fmt NUL-terminated on the stack
*(u32 *)(r10 - 4) = 0x0a7025
r1 = r10
r1 += -4
r2 = 1
r3 = 2
r4 = 0
r5 = 0
call 1004
r0 = 0
exit
