# unprivileged
# rule: without CAP_BPF pointers cannot be compared
# expect: R1 pointer comparison prohibited
r1 = r10
r0 = 0
if r1 > 1000 goto +0
exit
