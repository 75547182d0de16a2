# expect: accept
# what: trace_printk is variadic: the value registers a call does not pass may be uninitialised (clang passes only the call's arguments)
*(u32 *)(r10 - 8) = 0x0a6968
r1 = r10
r1 += -8
r2 = 4
call 6
r0 = 0
exit
