# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: the RFC trace_printk format is initialised
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -16
call 1004
r0 = 0
exit
