# expect: accept
# what: bpf_dump_stack(ctx)
# type: kprobe
call 1003
r0 = 0
exit
