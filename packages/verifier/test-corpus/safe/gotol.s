# expect: accept
# what: the 32-bit unconditional jump
call 7
if r0 == 1 goto +1
gotol +1
r0 = 2
exit
