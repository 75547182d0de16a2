# rule: r10 is read-only
# expect: frame pointer is read only
r10 = 0x100000000 ll
r0 = 0
exit
