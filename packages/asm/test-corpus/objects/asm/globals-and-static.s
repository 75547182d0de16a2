	.text
	.type	helper,@function
helper:
	r0 = *(u32 *)(r1 + 0)
	r0 <<= 32
	r0 s>>= 32
	exit
.Lfunc_end0:
	.size	helper, .Lfunc_end0-helper

	.section	"kprobe/sys_open","ax",@progbits
	.globl	probe
	.type	probe,@function
probe:
	r6 = r1
	r1 = counts ll
	r2 = r10
	r2 += -8
	call 1
	if r0 == 0 goto LBB1_3
	r1 = r0
	call helper
	lock *(u64 *)(r10 - 8) += r0
LBB1_3:
	r0 = 0
	exit
.Lfunc_end1:
	.size	probe, .Lfunc_end1-probe
