# expect: accept
# what: an impossible branch is never explored
r1 = 5
if r1 > 10 goto bad
r0 = 0
exit
bad:
r0 = r10
exit
