# rule: opcodes valid for the CPU version (atomic fetch is v3)
# cpu: 2
# expect: unknown opcode db
r1 = 1
*(u64 *)(r10 - 8) = r1
r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
r0 = 0
exit
