/* @inputs: 3|4
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long a, b, c;
  a = b = c = IN(0);
  long d = (a++, b += 2, c * 3);
  return a + b * 10 + c * 100 + d * 1000;
}
