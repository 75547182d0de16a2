# rule: pointer offsets stay small
# type: kprobe
# expect: math between ctx pointer and 536870912 is not allowed
r1 += 0x20000000
r0 = 0
exit
