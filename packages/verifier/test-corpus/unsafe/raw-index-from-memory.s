# rule: an index read from memory is unbounded
# type: raw 16
# expect: R3 max value is outside of the allowed memory range
r2 = *(u8 *)(r1 + 0)
r3 = r1
r3 += r2
r0 = *(u8 *)(r3 + 0)
exit
