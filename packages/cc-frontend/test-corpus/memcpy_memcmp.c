/* @inputs: 1 2|1 1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  char a[16], b[16];
  __builtin_memcpy(a, ctx, 16);
  __builtin_memcpy(b, ctx, 8);
  __builtin_memcpy(b + 8, ctx, 8);
  return __builtin_memcmp(a, b, 16) == 0 ? 1 : 2;
}
