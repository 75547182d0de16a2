# An LLVM-syntax program with two sections, a sub-program and a map reference.
	.text
	.globl	count_writes
	.type	count_writes,@function
count_writes:                           # the entry point
	r6 = r1
	r1 = counters ll                    // a map: becomes an R_BPF_64_64 relocation
	r2 = r10
	r2 += -8
	*(u64 *)(r10 - 8) = r6
	call 1                              # bpf_map_lookup_elem
	if r0 == 0 goto LBB0_2
	r1 = 1; r2 = 2                       // two statements
	lock *(u64 *)(r0 + 0) += r1
LBB0_2:
	call add_one
	exit
.Lfunc_end0:
	.size	count_writes, .Lfunc_end0-count_writes

	.type	add_one,@function
add_one:
	w0 = w1
	w0 += 1
	exit
.Lfunc_end1:
	.size	add_one, .Lfunc_end1-add_one

	.section	"kprobe/sys_write","ax",@progbits
	.globl	on_write
	.type	on_write,@function
on_write:
	r0 = atomic_fetch_add((u64 *)(r10 - 16), r0)
	gotol +1
	r0 = be32 r0
	exit
