# rule: the largest size must fit
# expect: invalid indirect access to stack R1 off=-8 size=15
call 5
r2 = r0
r2 &= 15
r1 = r10
r1 += -8
r3 = 0
call 4
r0 = 0
exit
