# rule: without CAP_BPF a helper may not read a spilled pointer from the stack (it would leak it)
# type: socket_filter
# unprivileged
# map: m hash 8 8 4
# expect: invalid read from stack R2 off -8+0 size 8
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = m ll
call 1
r0 = 0
exit
