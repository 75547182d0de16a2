# expect: accept
# what: be16 gives a 16-bit value
call 7
r0 = be16 r0
if r0 > 65535 goto bad
r0 = 0
exit
bad:
r0 = r10
exit
