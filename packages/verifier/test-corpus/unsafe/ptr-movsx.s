# rule: no sign extension of pointers
# type: kprobe
# expect: R1 sign-extension of pointer prohibited
r2 = (s32)r1
r0 = 0
exit
