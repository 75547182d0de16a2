# rule: no byte swaps of pointers
# type: kprobe
# expect: R1 pointer arithmetic prohibited
r1 = be16 r1
r0 = 0
exit
