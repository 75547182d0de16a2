/* @inputs: -17 5|17 -5|-17 -5|0 3
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  short a = IN(0); signed char b = IN(1);
  int q = a / b, r = a % b;
  long lq = (long)a / b;
  return q * 1000 + r * 10 + lq;
}
