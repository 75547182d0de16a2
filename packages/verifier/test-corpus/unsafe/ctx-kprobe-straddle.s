# rule: a context load stays inside one field
# type: kprobe
# expect: invalid bpf_context access off=4 size=8
r0 = *(u64 *)(r1 + 4)
exit
