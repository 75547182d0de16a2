	.text
	.type	first,@function
first:
	r0 = r1
	r0 += 1
	exit
.Lfunc_end0:
	.size	first, .Lfunc_end0-first

	.type	second,@function
second:
	r0 = r1
	call first
	r0 *= 3
	exit
.Lfunc_end1:
	.size	second, .Lfunc_end1-second

	.section	"tracepoint/x","ax",@progbits
	.globl	entry
	.type	entry,@function
entry:
	r1 = 5
	call second
	r1 = r0
	call first
	exit
.Lfunc_end2:
	.size	entry, .Lfunc_end2-entry
