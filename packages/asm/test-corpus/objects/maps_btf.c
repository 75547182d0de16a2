#include "tbpf_helpers.h"

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

struct event { __u64 ts; __u32 pid; __u32 len; };

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 64);
  __uint(map_flags, BPF_F_NO_COMMON_LRU);
  __type(key, __u64);
  __type(value, struct event);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4096);
} ring SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, sizeof(__u32));
  __uint(max_entries, 64);
} perf SEC(".maps");

SEC("kprobe/count")
int count_calls(struct pt_regs *ctx)
{
  __u32 key = (__u32)ctx->di;
  __u64 one = 1, *v = bpf_map_lookup_elem(&counts, &key);
  if (!v)
    return bpf_map_update_elem(&counts, &key, &one, BPF_ANY) != 0;
  *v += 1;
  return 0;
}

SEC("kprobe/event")
int record_event(struct pt_regs *ctx)
{
  __u64 id = ctx->si;
  __u32 zero = 0;
  __u32 *enabled = bpf_map_lookup_elem(&config, &zero);
  struct event e = { .ts = bpf_ktime_get_ns(), .pid = (__u32)ctx->dx, .len = (__u32)ctx->cx };
  if (!enabled || !*enabled)
    return 0;
  bpf_map_update_elem(&events, &id, &e, BPF_ANY);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
