/* @inputs: 5|-1|0
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  int a = IN(0);
  int b = a++;
  int c = ++a;
  int d = a--;
  int e = --a;
  unsigned char u = IN(0); u--; u--;
  __s64 *p = &ctx->a[1]; p++; --p;
  return a + b * 10 + c * 100 + d * 1000 + e * 10000 + u * 100000L + (p - ctx->a);
}
