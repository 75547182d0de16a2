# rule: only known helpers
# expect: invalid func unknown#9999
call 9999
r0 = 0
exit
