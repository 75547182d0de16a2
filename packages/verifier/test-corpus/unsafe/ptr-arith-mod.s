# rule: no mod on pointers
# type: kprobe
# expect: R1 pointer arithmetic with %= operator prohibited
r1 %= 2
r0 = 0
exit
