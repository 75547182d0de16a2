# rule: tracepoint records are read-only
# type: tracepoint a:0:8,b:8:4
# expect: invalid bpf_context access off=0 size=8
r2 = 0
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
