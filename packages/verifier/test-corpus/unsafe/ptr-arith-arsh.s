# rule: no arsh on pointers
# type: kprobe
# expect: R1 pointer arithmetic with s>>= operator prohibited
r1 s>>= 2
r0 = 0
exit
