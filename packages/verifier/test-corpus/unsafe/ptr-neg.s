# rule: no negation of pointers
# type: kprobe
# expect: R1 pointer arithmetic prohibited
r1 = -r1
r0 = 0
exit
