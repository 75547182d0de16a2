# rule: unbounded recursion hits the call depth limit
# expect: the call stack of 9 frames is too deep !
call fn
exit
fn:
call fn
r0 = 0
exit
