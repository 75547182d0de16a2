/* A callback passed by address (lddw of a function: pseudo source code_addr after linking) and a
   pointer stored in .data (an R_BPF_64_ABS64 data relocation, which tbpf reports as unsupported). */
#include "tbpf_helpers.h"

TBPF_HELPER(long, bpf_loop, (__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags), 181);

static int step(__u32 index, __u64 *sum)
{
  *sum += index;
  return 0;
}

__u64 counter;
__u64 *counter_ptr = &counter;

SEC("kprobe/loop")
int sum_loop(struct pt_regs *ctx)
{
  __u64 sum = 0;
  bpf_loop(10, step, &sum, 0);
  return (int)sum;
}

char LICENSE[] SEC("license") = "GPL";
