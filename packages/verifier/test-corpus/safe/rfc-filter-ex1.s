# expect: accept
# what: the RFC filter_ex1: load skb->dev, memcmp the name, printk
# type: kprobe
r6 = *(u64 *)(r1 + 104)
r1 = r6
r1 += 32
call 1002
r7 = r0
*(u32 *)(r10 - 20) = 28524
r1 = r7
r2 = r10
r2 += -20
r3 = 2
call 1001
if r0 != 0 goto out
*(u32 *)(r10 - 16) = 0x20626b73
*(u32 *)(r10 - 12) = 0x64207025
*(u32 *)(r10 - 8) = 0x25207665
*(u32 *)(r10 - 4) = 0x000a70
r1 = r10
r1 += -16
r2 = r6
r3 = r7
r4 = 0
r5 = 0
call 1004
out:
r0 = 0
exit
