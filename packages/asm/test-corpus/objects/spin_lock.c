#include "tbpf_helpers.h"

/* A map value with a spin lock (and a timer): their offsets come from the value's BTF. */
struct bpf_spin_lock { __u32 val; };
struct bpf_timer { __u64 a, b; } __attribute__((aligned(8)));

struct val {
  __u32 count;
  struct bpf_spin_lock lock;
  struct bpf_timer timer;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct val);
} counters SEC(".maps");

static void (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *)93;
static void (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *)94;

SEC("tc")
int count(void *ctx)
{
  __u32 k = 0;
  struct val *v = bpf_map_lookup_elem(&counters, &k);
  if (!v)
    return 0;
  bpf_spin_lock(&v->lock);
  v->count++;
  bpf_spin_unlock(&v->lock);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
