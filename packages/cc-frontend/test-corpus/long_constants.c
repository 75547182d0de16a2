/* @inputs: 0|1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned long f(struct ctx *ctx) {
  unsigned long k = 0xdeadbeefcafebabeUL;
  long m = -0x7fffffffffffffffL - 1;
  unsigned long r = IN(0) ? k : (unsigned long)m;
  return r ^ 0x123456789UL ^ (0xffffffffU + IN(0));
}
