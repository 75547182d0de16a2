#include "tbpf_helpers.h"

struct bpf_map_def SEC("maps") pkt_count = {
  .type = BPF_MAP_TYPE_HASH,
  .key_size = sizeof(__u32),
  .value_size = sizeof(__u64),
  .max_entries = 256,
  .map_flags = 0,
};

struct bpf_map_def SEC("maps") per_cpu = {
  .type = BPF_MAP_TYPE_PERCPU_ARRAY,
  .key_size = 4,
  .value_size = 16,
  .max_entries = 2,
  .map_flags = 0,
};

SEC("kprobe/legacy")
int legacy(struct pt_regs *ctx)
{
  __u32 key = (__u32)ctx->di;
  __u64 *v = bpf_map_lookup_elem(&pkt_count, &key);
  if (v)
    *v += 1;
  __u32 z = 0;
  __u64 *pc = bpf_map_lookup_elem(&per_cpu, &z);
  if (!pc)
    return 0;
  return (int)pc[1];
}

char LICENSE[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x050a00;
