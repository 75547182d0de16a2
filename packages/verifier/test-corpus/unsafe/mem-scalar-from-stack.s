# rule: bytes stored as data are read back as a scalar
# expect: R2 invalid mem access 'scalar'
*(u32 *)(r10 - 8) = 1
*(u32 *)(r10 - 4) = 1
r2 = *(u64 *)(r10 - 8)
r0 = *(u8 *)(r2 + 0)
exit
