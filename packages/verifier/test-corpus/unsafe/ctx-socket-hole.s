# rule: offsets between fields are not accessible
# type: socket_filter
# expect: invalid bpf_context access off=84 size=4
r0 = *(u32 *)(r1 + 84)
exit
