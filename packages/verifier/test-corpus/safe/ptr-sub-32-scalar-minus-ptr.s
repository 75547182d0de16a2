# what: privileged w3 -= w2 with a pointer in w2 is an unknown scalar (Linux checks the width first)
# type: socket_filter
# expect: accept
r2 = r10
w3 = 5
w3 -= w2
r0 = r3
exit
