/* @inputs: 10|0|100|1000
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long n = IN(0) & 1023, s = 0;
  for (long i = 1; i <= n; i++) s += (i * i) ^ (s >> 3);
  return s;
}
