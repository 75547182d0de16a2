/* @inputs: 2147483647 1|4294967295 1|-2147483648 -1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned a = IN(0), b = IN(1);
  unsigned s = a + b, d = a - b, m = a * 3u;
  return ((long)s << 32) ^ d ^ ((long)m << 7);
}
