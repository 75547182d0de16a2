# rule: without CAP_PERFMON, ringbuf_output reads initialised data
# unprivileged
# map: rb ringbuf 0 0 4096
# expect: invalid read from stack R2 off -8+0 size 8
r1 = rb ll
r2 = r10
r2 += -8
r3 = 8
r4 = 0
call 130
r0 = 0
exit
