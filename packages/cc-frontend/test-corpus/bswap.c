/* @inputs: 305419896|-2|4660
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned long f(struct ctx *ctx) {
  unsigned long x = IN(0);
  return __builtin_bswap16(x) + ((unsigned long)__builtin_bswap32(x) << 16) + __builtin_bswap64(x);
}
