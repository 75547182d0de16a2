# rule: a tracepoint record has only its fields
# type: tracepoint a:0:8,b:8:4
# expect: invalid bpf_context access off=12 size=4
r0 = *(u32 *)(r1 + 12)
exit
