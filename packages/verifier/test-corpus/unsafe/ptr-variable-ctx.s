# rule: no variable offsets into the context
# type: kprobe
# expect: variable ctx access var_off=(0x0; 0x8) disallowed
r6 = r1
call 7
r0 &= 8
r6 += r0
r0 = *(u64 *)(r6 + 0)
exit
