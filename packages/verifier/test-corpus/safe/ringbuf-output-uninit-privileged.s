# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: ringbuf_output reads initialised data
# map: rb ringbuf 0 0 4096
r1 = rb ll
r2 = r10
r2 += -8
r3 = 8
r4 = 0
call 130
r0 = 0
exit
