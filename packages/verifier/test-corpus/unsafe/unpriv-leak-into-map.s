# unprivileged
# rule: without CAP_BPF pointers cannot be stored in maps
# map: m hash 4 8 16
# expect: R10 leaks addr into map
r1 = m ll
r2 = r10
r2 += -8
*(u32 *)(r10 - 8) = 0
call 1
if r0 == 0 goto out
*(u64 *)(r0 + 0) = r10
out:
r0 = 0
exit
