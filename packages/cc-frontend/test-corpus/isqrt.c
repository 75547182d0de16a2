/* @inputs: 0|1|15|16|1000000|4294967295
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned long x = IN(0), r = 0, bit = 1UL << 62;
  while (bit > x) bit >>= 2;
  for (int i = 0; i < 32 && bit; i++) {
    if (x >= r + bit) { x -= r + bit; r = (r >> 1) + bit; } else r >>= 1;
    bit >>= 2;
  }
  return r;
}
