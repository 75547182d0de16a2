# rule: context offsets are non-negative
# type: kprobe
# expect: invalid bpf_context access off=-8 size=8
r0 = *(u64 *)(r1 - 8)
exit
