# rule: map references must name an existing map
# expect: fd_idx 3 is not pointing to valid bpf_map
ld_pseudo r1, 5, 3
r0 = 0
exit
