/* @inputs: -1 63|1 63|-4096 4|81985529216486895 12
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long a = IN(0); unsigned long u = IN(0); int s = IN(1);
  return (a >> s) + (long)(u >> s) + (a << (s / 2));
}
