# rule: a size argument has an upper bound
# expect: R2 unbounded memory access, use 'var &= const' or 'if (var < const)'
call 5
r2 = r0
r2 >>= 1
r1 = r10
r1 += -8
r3 = 0
call 4
r0 = 0
exit
