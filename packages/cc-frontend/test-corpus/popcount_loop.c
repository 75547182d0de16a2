/* @inputs: 0|1|255|4294967295|-1|1311768467463790320
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  unsigned long x = IN(0);
  int n = 0;
  for (int i = 0; i < 64; i++) {
    n += x & 1;
    x >>= 1;
  }
  return n;
}
