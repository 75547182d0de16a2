/* @inputs: 1 2 3 4 5 6 7 8|-1 -2 -3 -4 0 0 0 9
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  __s64 *p = ctx->a, *end = ctx->a + 8;
  long s = 0;
  for (int i = 0; i < 8 && p < end; i++) s = s * 3 + *p++;
  return s + (end - ctx->a);
}
