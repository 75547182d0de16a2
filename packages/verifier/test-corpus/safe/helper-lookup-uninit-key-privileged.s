# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: the key must be initialised
# map: m hash 4 8 16
r1 = m ll
r2 = r10
r2 += -8
call 1
r0 = 0
exit
