# rule: the 1,000,000 processed-instruction budget (Linux's BPF_COMPLEXITY_LIMIT_INSNS)
# expect: BPF program is too large. Processed 1000001 insn
r1 = 0
loop:
r1 += 1
if r1 < 1000000 goto loop
r0 = 0
exit
