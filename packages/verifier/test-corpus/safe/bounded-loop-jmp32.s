# expect: accept
# what: a loop bounded with a 32-bit compare
w0 = 0
w1 = 0
loop:
w0 += 3
w1 += 1
if w1 < 20 goto loop
exit
