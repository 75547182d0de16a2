# rule: pt_regs is 168 bytes
# type: kprobe
# expect: invalid bpf_context access off=168 size=8
r0 = *(u64 *)(r1 + 168)
exit
