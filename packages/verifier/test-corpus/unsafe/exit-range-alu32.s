# rule: 32-bit results are zero-extended
# ret: 0 1
# expect: At program exit the register R0 has smin=4294967295 smax=4294967295 should have been in [0, 1]
w0 = -1
exit
