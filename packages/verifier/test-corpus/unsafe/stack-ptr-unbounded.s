# rule: fp + scalar needs a bounded scalar
# expect: math between fp pointer and register with unbounded min value is not allowed
call 7
r2 = r10
r2 += r0
r0 = 0
exit
