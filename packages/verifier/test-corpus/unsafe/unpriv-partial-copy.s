# unprivileged
# rule: without CAP_BPF a 32-bit copy of a pointer leaks it
# expect: R10 partial copy of pointer
w1 = w10
r0 = 0
exit
