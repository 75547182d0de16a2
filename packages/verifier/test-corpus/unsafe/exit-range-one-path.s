# rule: r0 within range on every path
# ret: 0 1
# expect: At program exit the register R0 has smin=0 smax=255 should have been in [0, 1]
call 7
r0 &= 0xff
exit
