#include "tbpf_helpers.h"

/* Maps of maps, both ways: BTF-defined with an inner-map template (__array(values, …)), and the
 * legacy samples/bpf definition whose inner_map_idx names another definition. */
#define __array(name, val) typeof(val) *name[]
#define BPF_MAP_TYPE_ARRAY_OF_MAPS 12
#define BPF_MAP_TYPE_HASH_OF_MAPS 13

struct inner {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 8);
  __type(key, __u32);
  __array(values, struct inner);
} outer SEC(".maps");

struct bpf_map_def_inner {
  __u32 type, key_size, value_size, max_entries, map_flags, inner_map_idx, numa_node;
};

struct bpf_map_def_inner SEC("maps/legacy_outer") legacy_outer = {
  .type = BPF_MAP_TYPE_HASH_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 2, .inner_map_idx = 1,
};
struct bpf_map_def_inner SEC("maps/legacy_inner") legacy_inner = {
  .type = BPF_MAP_TYPE_HASH, .key_size = 8, .value_size = 16, .max_entries = 32,
};

SEC("kprobe/mim")
int mim(void *ctx)
{
  __u32 k = 0;
  void *in = bpf_map_lookup_elem(&outer, &k);
  if (!in)
    return 0;
  __u64 *v = bpf_map_lookup_elem(in, &k);
  void *in2 = bpf_map_lookup_elem(&legacy_outer, &k);
  return v ? (int)*v : in2 != 0;
}

char LICENSE[] SEC("license") = "GPL";
