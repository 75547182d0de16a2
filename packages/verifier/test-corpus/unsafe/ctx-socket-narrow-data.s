# rule: __sk_buff->data is loaded whole
# type: socket_filter
# expect: invalid bpf_context access off=76 size=2
r0 = *(u16 *)(r1 + 76)
exit
