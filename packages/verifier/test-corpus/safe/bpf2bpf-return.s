# expect: accept
# what: a callee returns a value; r6-r9 survive the call
r6 = 5
r1 = 2
call twice
r0 += r6
exit
twice:
r0 = r1
r0 += r1
exit
