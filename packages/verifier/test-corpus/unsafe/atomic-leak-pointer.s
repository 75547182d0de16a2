# rule: atomics store scalars only
# expect: R10 leaks addr into mem
*(u64 *)(r10 - 8) = 0
r1 = r10
lock *(u64 *)(r1 - 8) += r10
r0 = 0
exit
