# expect: accept
# what: a 32-bit compare on a known range
call 7
w0 &= 0xff
if w0 > 0x1000 goto bad
r0 = 0
exit
bad:
r0 = r10
exit
