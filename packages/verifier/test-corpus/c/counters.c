/* Maps, a bounded loop and helper calls: per-slot counters in an array map. */
#include "helpers.h"

struct {
  __uint(type, 2);
  __type(key, __u32);
  __type(value, __u64[16]);
  __uint(max_entries, 4);
} counts SEC(".maps");

struct {
  __uint(type, 1);
  __type(key, __u64);
  __type(value, __u64);
  __uint(max_entries, 1024);
} seen SEC(".maps");

SEC("kprobe/do_work")
int count(void *ctx)
{
  __u32 key = bpf_get_prandom_u32() & 3;
  __u64 *slots = bpf_map_lookup_elem(&counts, &key);
  if (!slots)
    return 0;
  __u64 sum = 0;
  for (int i = 0; i < 16; i++) {
    slots[i] += i;
    sum += slots[i];
  }
  __u32 idx = bpf_get_prandom_u32();
  if (idx < 16)
    slots[idx] = sum;
  __u64 now = bpf_ktime_get_ns();
  __u64 one = 1;
  bpf_map_update_elem(&seen, &now, &one, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
