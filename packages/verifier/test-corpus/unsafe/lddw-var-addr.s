# rule: unsupported lddw pseudo sources are rejected
# expect: unsupported lddw pseudo source var_addr (callbacks and BTF variables)
ld_pseudo r1, 3, 0
r0 = 0
exit
