# what: a privileged program may hand a spilled pointer's bytes to a helper (Linux allows pointer leaks to CAP_BPF programs)
# type: socket_filter
# map: m hash 8 8 4
# expect: accept
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = m ll
call 1
r0 = 0
exit
