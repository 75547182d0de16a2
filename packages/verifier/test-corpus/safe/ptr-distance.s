# expect: accept
# what: the distance between two stack pointers is a scalar
r1 = r10
r1 += -16
r2 = r10
r2 -= r1
r0 = r2
exit
