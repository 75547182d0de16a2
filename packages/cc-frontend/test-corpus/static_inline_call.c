/* @inputs: 3 4|10 20|-5 5
 * @kind: pure */
#include "corpus.h"
static inline int sq(int x) { return x * x; }
static __attribute__((noinline)) long hyp(long a, long b) { return sq(a) + sq(b); }
SEC("tbpf") long f(struct ctx *ctx) {
  return hyp(IN(0), IN(1)) + sq(IN(0) - IN(1));
}
