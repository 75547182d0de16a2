# unprivileged
# rule: without CAP_BPF a spilled pointer cannot be partly overwritten
# expect: attempt to corrupt spilled pointer on stack
*(u64 *)(r10 - 8) = r10
*(u8 *)(r10 - 8) = 0
r0 = 0
exit
