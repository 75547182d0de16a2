# expect: accept
# what: privileged (tbpf's default, Linux's allow_uninit_stack) an uninitialised stack read is unknown data; unprivileged: stack must be initialised on every path
# type: kprobe
r2 = *(u64 *)(r1 + 112)
if r2 == 0 goto +1
*(u64 *)(r10 - 8) = r2
r0 = *(u64 *)(r10 - 8)
exit
