# rule: stack accesses are aligned to their size
# expect: misaligned stack access off 0+0+-12 size 8
*(u64 *)(r10 - 12) = 0
r0 = 0
exit
