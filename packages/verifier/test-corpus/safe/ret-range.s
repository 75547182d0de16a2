# expect: accept
# what: r0 within the program type's return range
# ret: 0 1
call 7
r0 &= 1
exit
