# rule: legacy packet loads need r6 = ctx
# type: socket_filter
# expect: at the time of BPF_LD_ABS|IND R6 != pointer to skb
r6 = 0
r0 = *(u8 *)skb[12]
exit
