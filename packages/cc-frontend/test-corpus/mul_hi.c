/* @inputs: 4294967295 4294967295|123456789 987654321|-5 7
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned long f(struct ctx *ctx) {
  unsigned long a = (unsigned)IN(0), b = (unsigned)IN(1);
  unsigned long p = a * b;
  return (p >> 32) + (p & 0xffffffff) * 3;
}
