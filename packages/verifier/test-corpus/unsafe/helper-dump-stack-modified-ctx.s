# rule: the context is passed unmodified
# type: kprobe
# expect: dereference of modified ctx ptr R1 off=8 disallowed
r1 += 8
call 1003
r0 = 0
exit
