/* @inputs: 12345 678|-1 0|0 -1|4080 255
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long a = IN(0), b = IN(1);
  return ((a & b) << 3) ^ (a | b) ^ ~(a ^ b) ^ (!a + !!b);
}
