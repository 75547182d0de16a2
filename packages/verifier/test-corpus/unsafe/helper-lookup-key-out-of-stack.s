# rule: the key must fit in the stack
# map: m hash 4 8 16
# expect: invalid indirect access to stack R2 off=-2 size=4
r1 = m ll
*(u16 *)(r10 - 2) = 0
r2 = r10
r2 += -2
call 1
r0 = 0
exit
