/* @inputs: 0 1|1 0|255 -1|1099511627776 12345|-9223372036854775807 3
 * @kind: pure */
#include "corpus.h"
/* The bit-counting builtins (BPF has no instruction for them; clang expands them). */
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned long long a = IN(0);
  unsigned int b = IN(1);
  long r = __builtin_popcountll(a) + 3 * __builtin_popcount(b) + 5 * __builtin_parityll(a);
  if (a) r += 7 * __builtin_clzll(a) + 11 * __builtin_ctzll(a);
  if (b) r += 13 * __builtin_clz(b) + 17 * __builtin_ctz(b);
  r += 19 * __builtin_ffsll(a) + 23 * __builtin_ffs(b) + 29 * __builtin_popcount(0xf0f0);
  return r;
}
