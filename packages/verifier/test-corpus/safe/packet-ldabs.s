# expect: accept
# what: classic BPF style loads
# type: socket_filter
r6 = r1
r0 = *(u16 *)skb[12]
exit
