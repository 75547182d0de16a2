/* @inputs: 4|4
 * @kind: maps */
#include "corpus.h"
struct bpf_map_def SEC("maps") hist = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 16 };
SEC("tbpf") long f(struct ctx *ctx) {
  __u32 k = IN(0) & 15;
  __u64 *v = bpf_map_lookup_elem(&hist, &k);
  if (!v) return 0;
  *v += 1;
  return *v;
}
