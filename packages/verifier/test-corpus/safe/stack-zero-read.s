# expect: accept
# what: bytes stored as zero read back as zero
*(u32 *)(r10 - 8) = 0
*(u32 *)(r10 - 4) = 0
r0 = *(u64 *)(r10 - 8)
exit
