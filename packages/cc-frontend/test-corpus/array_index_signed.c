/* @inputs: 2 -1|5 3|0 0
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long t[6] = { 100, 200, 300, 400, 500, 600 };
  int i = IN(0) % 6, j = IN(1);
  long *p = &t[i];
  if (j >= -2 && j <= 2 && i + j >= 0 && i + j < 6) return p[j];
  return -1;
}
