# rule: modulo by a zero immediate
# expect: div by zero
r0 = 1
r0 %= 0
exit
