# rule: narrow context loads are aligned
# type: kprobe
# expect: invalid bpf_context access off=2 size=4
r0 = *(u32 *)(r1 + 2)
exit
