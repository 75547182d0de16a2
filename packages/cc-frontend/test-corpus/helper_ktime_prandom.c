/* @inputs: 0
 * @kind: maps */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  __u64 t = bpf_ktime_get_ns();
  __u32 r = bpf_get_prandom_u32();
  return (t != 0) + (r == r) * 2 + IN(0);
}
