# rule: no bitwise operations on pointers
# type: kprobe
# expect: R1 bitwise operator ^= on pointer prohibited
r1 ^= 7
r0 = 0
exit
