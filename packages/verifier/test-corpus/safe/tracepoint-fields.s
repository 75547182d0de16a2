# expect: accept
# what: tracepoint record fields
# type: tracepoint common_type:0:2,pid:4:4,name:8:16,len:24:4
r0 = *(u32 *)(r1 + 4)
r2 = *(u64 *)(r1 + 8)
r3 = *(u32 *)(r1 + 24)
r0 += r3
exit
