# rule: the context is read at fixed offsets from r1 only
# type: kprobe
# expect: dereference of modified ctx ptr R1 off=8 disallowed
r1 += 8
r0 = *(u64 *)(r1 + 0)
exit
