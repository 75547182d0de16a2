# rule: the RFC trace_printk format lives on the stack
# type: kprobe
# expect: R1 type=ctx expected=fp
call 1004
r0 = 0
exit
