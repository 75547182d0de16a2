# expect: accept
# what: division by a register holding 0 is defined (result 0)
r0 = 10
r1 = 0
r0 /= r1
exit
