# what: privileged programs may subtract at 32 bits with pointers (Linux: an unknown scalar)
# type: socket_filter
# expect: accept
r2 = r10
r3 = r1
w3 -= w2
r1 += -8
w1 -= 8
r0 = 0
exit
