# rule: r10 is read-only
# expect: frame pointer is read only
w10 = 1
r0 = 0
exit
