/* @inputs: 1 2 3 4 5|0 0 0 0 1
 * @kind: pure */
#include "corpus.h"
static __attribute__((noinline)) long mix(long a, long b, long c, long d, long e) {
  return a * 10000 + b * 1000 + c * 100 + d * 10 + e;
}
SEC("tbpf") long f(struct ctx *ctx) {
  return mix(IN(0), IN(1), IN(2), IN(3), IN(4)) - mix(IN(4), IN(3), IN(2), IN(1), IN(0));
}
