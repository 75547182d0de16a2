# rule: no immediate stores into the context
# type: kprobe
# expect: BPF_ST stores into R1 ctx is not allowed
*(u64 *)(r1 + 0) = 1
r0 = 0
exit
