# rule: no pointer x anything
# type: kprobe
# expect: R1 pointer arithmetic with *= operator prohibited
r2 = 3
r1 *= r2
r0 = 0
exit
