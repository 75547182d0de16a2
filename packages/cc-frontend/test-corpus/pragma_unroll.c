/* @inputs: 1 2 3 4 5 6 7 8|0 0 0 0 0 0 0 1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long s = 0;
#pragma unroll
  for (int i = 0; i < 8; i++) s = s * 7 + ctx->a[i];
  return s;
}
