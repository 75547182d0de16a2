/* @inputs: 3|5
 * @kind: maps */
#include "corpus.h"
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, long);
  __uint(max_entries, 8);
} vals SEC(".maps");
SEC("tbpf") long f(struct ctx *ctx) {
  long s = 0;
  for (__u32 i = 0; i < 8; i++) {
    long *p = bpf_map_lookup_elem(&vals, &i);
    if (!p) return -1;
    *p += i * IN(0);
    s += *p;
  }
  return s;
}
