/* @inputs: 20|7|100
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  int n = IN(0), s = 0;
  for (int i = 0; i < 64; i++) {
    if (i >= n) break;
    if (i % 3 == 0) continue;
    s += i;
  }
  return s;
}
