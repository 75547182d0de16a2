# rule: immediate stores into a read-only context are refused by the context rules (Linux 6.18 allows BPF_ST into writable fields)
# type: kprobe
# expect: invalid bpf_context access off=0 size=8
*(u64 *)(r1 + 0) = 1
r0 = 0
exit
