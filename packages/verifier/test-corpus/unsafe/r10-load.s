# rule: r10 is read-only
# expect: frame pointer is read only
*(u64 *)(r10 - 8) = 0
r10 = *(u64 *)(r10 - 8)
r0 = 0
exit
