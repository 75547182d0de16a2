/* @inputs: 1 2 3 4|9 8 7 6
 * @kind: pure */
#include "corpus.h"
struct inner { short lo; short hi; };
struct outer { int id; struct inner in[2]; long total; };
static __attribute__((noinline)) void fill(struct outer *o, long a, long b) {
  o->id = a;
  o->in[0].lo = a; o->in[0].hi = b;
  o->in[1] = o->in[0];
  o->in[1].hi += 1;
  o->total = o->in[0].lo + o->in[1].hi;
}
SEC("tbpf") long f(struct ctx *ctx) {
  struct outer o;
  __builtin_memset(&o, 0, sizeof(o));
  fill(&o, IN(0), IN(1));
  return o.total * 1000 + o.in[1].hi + o.id;
}
