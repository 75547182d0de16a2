# rule: r0 is a scalar at exit
# expect: R0 leaks addr as return value
r0 = r10
exit
