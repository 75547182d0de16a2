# unprivileged
# rule: without CAP_BPF pointer differences leak addresses
# expect: R1 pointer -= pointer prohibited
r1 = r10
r1 += -8
r2 = r10
r1 -= r2
r0 = 0
exit
