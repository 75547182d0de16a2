# rule: bpf_dump_stack takes the context
# type: kprobe
# expect: R1 type=fp expected=ctx
r1 = r10
call 1003
r0 = 0
exit
