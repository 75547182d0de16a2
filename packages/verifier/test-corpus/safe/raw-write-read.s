# expect: accept
# what: raw memory is writable
# type: raw 16
*(u64 *)(r1 + 8) = 5
r0 = *(u64 *)(r1 + 8)
r2 = *(u32 *)(r1 + 0)
r0 += r2
exit
