# rule: no scalar x pointer either
# type: kprobe
# expect: R2 pointer arithmetic with *= operator prohibited
r2 = 3
r2 *= r1
r0 = 0
exit
