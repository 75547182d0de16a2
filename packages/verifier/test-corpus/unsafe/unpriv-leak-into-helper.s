# unprivileged
# rule: without CAP_BPF pointers cannot be passed as plain values
# expect: R3 leaks addr into helper function
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -8
r2 = 8
r3 = r10
r4 = 0
r5 = 0
call 6
r0 = 0
exit
