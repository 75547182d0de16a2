/* @inputs: 0 0|1 0|1 1|-3 7
 * @kind: pure */
#include "corpus.h"
static int classify(long a, long b) {
  if (a == 0) return 0;
  if (b == 0) return a > 0 ? 1 : -1;
  if (a * b < 0) return 2;
  return 3;
}
SEC("tbpf") int f(struct ctx *ctx) { return classify(IN(0), IN(1)) * 7 + classify(IN(1), IN(0)); }
