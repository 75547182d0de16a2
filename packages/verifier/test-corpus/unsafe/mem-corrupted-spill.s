# rule: a spilled pointer partly overwritten is no pointer any more
# type: kprobe
# expect: R2 invalid mem access 'scalar'
*(u64 *)(r10 - 8) = r1
*(u8 *)(r10 - 5) = 0
r2 = *(u64 *)(r10 - 8)
r0 = *(u64 *)(r2 + 0)
exit
