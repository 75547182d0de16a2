# rule: callx targets a known helper
# expect: invalid func unknown#7777
r2 = 7777
callx r2
r0 = 0
exit
