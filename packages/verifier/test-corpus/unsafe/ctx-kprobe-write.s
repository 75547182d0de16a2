# rule: pt_regs is read-only
# type: kprobe
# expect: invalid bpf_context access off=0 size=8
r2 = 1
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
