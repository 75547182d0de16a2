/* @inputs: -8 1|-1 31|1 31|12345 3|-100000 7
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  int a = IN(0); int s = IN(1);
  return ((long)(a >> s) << 32) | (unsigned)(a << (s & 15));
}
