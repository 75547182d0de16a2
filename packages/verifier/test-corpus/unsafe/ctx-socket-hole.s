# rule: offsets between fields are not accessible
# type: socket_filter
# expect: invalid bpf_context access off=88 size=4
r0 = *(u32 *)(r1 + 88)
exit
