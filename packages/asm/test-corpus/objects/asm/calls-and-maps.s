	.text
	.globl	sub
	.type	sub,@function
sub:
	r0 = 2
	exit
.Lfunc_end0:
	.size	sub, .Lfunc_end0-sub

	.section	xdp,"ax",@progbits
	.globl	entry
	.type	entry,@function
entry:
	r1 = table ll
	call sub
	if r0 == 0 goto LBB1_2
	r0 += 1
LBB1_2:
	exit
.Lfunc_end1:
	.size	entry, .Lfunc_end1-entry
