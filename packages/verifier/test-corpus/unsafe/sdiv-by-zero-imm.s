# rule: signed division by a zero immediate
# expect: div by zero
r0 = 1
r0 s/= 0
exit
