# rule: 32-bit division by a zero immediate
# expect: div by zero
w0 = 1
w0 /= 0
exit
