# rule: the processed-instruction budget (lowered to 100,000 to keep the suite fast)
# limit: 100000
# expect: BPF program is too large. Processed 100001 insn
r1 = 0
loop:
r1 += 1
if r1 < 1000000 goto loop
r0 = 0
exit
