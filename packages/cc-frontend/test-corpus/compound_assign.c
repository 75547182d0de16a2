/* @inputs: 7 3|-8 2|100 7
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long x = IN(0); int y = IN(1); unsigned char u = IN(0);
  x += y; x *= 3; x -= y * 2; x /= (y ? y : 1); x %= 1000; x <<= 2; x >>= 1; x &= 0xfff; x |= 0x10000; x ^= y;
  u += 200; u *= 3;
  y <<= 3; y >>= 1;
  return x + y * 1000000L + u * 100000000000L;
}
