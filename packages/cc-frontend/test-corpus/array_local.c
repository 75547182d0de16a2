/* @inputs: 3|0|7
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long t[8] = { 1, 1 };
  for (int i = 2; i < 8; i++) t[i] = t[i - 1] + t[i - 2];
  unsigned k = IN(0) & 7;
  return t[k] * 100 + t[7];
}
