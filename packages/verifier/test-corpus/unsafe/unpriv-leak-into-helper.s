# unprivileged
# rule: without CAP_BPF pointers cannot be passed as plain values
# expect: R3 leaks addr into helper function
r1 = r10
r1 += -8
r2 = 8
r3 = r10
call 113
r0 = 0
exit
