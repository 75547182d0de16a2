# expect: accept
# what: a count-down loop
r0 = 0
r1 = 16
loop:
r0 += r1
r1 -= 1
if r1 != 0 goto loop
exit
