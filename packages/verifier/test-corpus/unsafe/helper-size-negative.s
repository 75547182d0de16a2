# rule: a size argument has a lower bound >= 0
# expect: R2 min value is negative, either use unsigned or 'var &= const'
call 5
r2 = r0
if r2 s> 8 goto out
r1 = r10
r1 += -8
r3 = 0
call 4
out:
r0 = 0
exit
