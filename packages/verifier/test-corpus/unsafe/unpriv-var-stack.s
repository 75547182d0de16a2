# unprivileged
# rule: without CAP_BPF stack offsets are constant
# expect: R2 variable stack access prohibited for !root, off=-16
call 7
r0 &= 8
r2 = r10
r2 += -16
r2 += r0
r0 = 0
exit
