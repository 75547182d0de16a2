/* @inputs: 2|3
 * @kind: maps */
#include "corpus.h"
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, __u32);
  __uint(max_entries, 4);
} slots SEC(".maps");
SEC("tbpf") long f(struct ctx *ctx) {
  __u32 key = IN(0) & 3;
  __u32 *v = bpf_map_lookup_elem(&slots, &key);
  if (!v) return 0;
  for (int i = 0; i < 10; i++) *v += i;
  return *v;
}
