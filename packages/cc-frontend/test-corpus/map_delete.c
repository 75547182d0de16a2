/* @inputs: 1|1
 * @kind: maps */
#include "corpus.h"
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, int);
  __type(value, int);
  __uint(max_entries, 4);
} m SEC(".maps");
SEC("tbpf") long f(struct ctx *ctx) {
  int k = IN(0), v = 42;
  long r = bpf_map_update_elem(&m, &k, &v, BPF_ANY);
  int *p = bpf_map_lookup_elem(&m, &k);
  long got = p ? *p : -1;
  long d = bpf_map_delete_elem(&m, &k);
  p = bpf_map_lookup_elem(&m, &k);
  return r * 1000 + got * 10 + d + (p ? 5 : 0);
}
