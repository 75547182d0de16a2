# unprivileged
# rule: without CAP_BPF pointers cannot be compared
# expect: R10 pointer comparison prohibited
r1 = 5
r0 = 0
if r1 == r10 goto +0
exit
