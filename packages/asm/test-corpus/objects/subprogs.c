#include "tbpf_helpers.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} totals SEC(".maps");

static __noinline __u64 mix(__u64 a, __u64 b)
{
  return (a * 31) ^ (b >> 3);
}

__noinline __u64 add_total(__u32 slot, __u64 v)
{
  __u64 *p = bpf_map_lookup_elem(&totals, &slot);
  if (!p)
    return 0;
  *p += mix(v, slot);
  return *p;
}

SEC("kprobe/a")
int prog_a(struct pt_regs *ctx)
{
  return add_total(1, ctx->di) > 10;
}

SEC("kprobe/a")
int prog_a2(struct pt_regs *ctx)
{
  return (int)mix(ctx->si, ctx->dx);
}

SEC("kprobe/b")
int prog_b(struct pt_regs *ctx)
{
  return add_total(2, ctx->si) & 1;
}

char LICENSE[] SEC("license") = "GPL";
