/* @inputs: 0|-1|2147483648|1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  unsigned u = IN(0); int i = IN(0); unsigned long ul = IN(0); long l = IN(0);
  return (u > 0x7fffffff) + 2 * (i < 0) + 4 * (ul > 0xffffffffUL) + 8 * (l < 0) + 16 * (u >= 1) + 32 * (i <= -1);
}
