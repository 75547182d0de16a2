/* @inputs: 7 2|4294967295 3|100 7|4000000000 65536
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned a = IN(0), b = IN(1);
  return (long)(a / b) * 100000 + a % b;
}
