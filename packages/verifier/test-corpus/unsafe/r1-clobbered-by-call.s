# rule: r1-r5 are clobbered by a BPF-to-BPF call
# expect: R1 !read_ok
r1 = 1
call fn
r0 = r1
exit
fn:
r0 = 0
exit
