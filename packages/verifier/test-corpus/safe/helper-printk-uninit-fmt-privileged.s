# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: helper reads need initialised memory
r1 = r10
r1 += -8
r2 = 8
call 6
r0 = 0
exit
