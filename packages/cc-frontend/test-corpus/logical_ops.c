/* @inputs: 0 0|0 1|1 0|1 1|5 -3
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  long a = IN(0), b = IN(1);
  int r = (a && b) + 2 * (a || b) + 4 * (!a && !b) + 8 * ((a > 0) == (b > 0));
  return r;
}
