# rule: raw without memory: r1 is 0, not a pointer
# expect: R1 invalid mem access 'scalar'
r0 = *(u8 *)(r1 + 0)
exit
