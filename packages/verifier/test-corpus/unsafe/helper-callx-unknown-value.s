# rule: callx needs a known helper id
# type: kprobe
# expect: callx R2 is not a known helper id
r2 = *(u64 *)(r1 + 0)
callx r2
r0 = 0
exit
