/* @inputs: 200 100|255 255|127 1|0 0
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned char a = IN(0), b = IN(1);
  signed char sa = IN(0);
  int r1 = a + b;          /* promoted to int: no wrap */
  unsigned char r2 = a + b; /* wraps */
  int r3 = sa * 2;
  return r1 * 100000L + r2 * 1000L + r3;
}
