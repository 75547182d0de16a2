# expect: accept
# what: while (1) with a break
r1 = 0
loop:
r1 += 1
if r1 == 10 goto out
goto loop
out:
r0 = r1
exit
