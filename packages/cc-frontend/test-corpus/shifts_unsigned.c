/* @inputs: 4294967295 1|2147483648 31|12345 3
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned a = IN(0); unsigned s = IN(1);
  return ((long)(a >> s) << 32) | (a << (s & 7));
}
