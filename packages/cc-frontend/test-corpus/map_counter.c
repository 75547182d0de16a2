/* @inputs: 1|2|1
 * @kind: maps */
#include "corpus.h"
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} counts SEC(".maps");
SEC("tbpf") long f(struct ctx *ctx) {
  __u32 key = IN(0);
  __u64 *v = bpf_map_lookup_elem(&counts, &key);
  if (v) { __sync_fetch_and_add(v, 1); return *v; }
  __u64 one = 1;
  bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
  return 1;
}
