# expect: accept
# what: three levels of calls
call a
exit
a:
call b
r0 += 1
exit
b:
call c
r0 += 1
exit
c:
r0 = 1
exit
