# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: the value must be initialised
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
r3 = r10
r3 += -16
r4 = 0
call 2
r0 = 0
exit
