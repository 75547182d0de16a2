# rule: the size covers only the buffer
# expect: invalid indirect access to stack R1 off=-8 size=16
r1 = r10
r1 += -8
r2 = 16
r3 = 0
call 4
r0 = 0
exit
