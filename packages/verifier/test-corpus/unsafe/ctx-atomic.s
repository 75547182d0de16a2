# rule: no atomics on the context
# type: kprobe
# expect: BPF_ATOMIC stores into R1 ctx is not allowed
r2 = 1
lock *(u64 *)(r1 + 0) += r2
r0 = 0
exit
