/* @inputs: -1|128|32768|-2147483648
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  signed char c = *(signed char *)ctx;
  short s = *(short *)ctx;
  int i = *(int *)ctx;
  return c + s * 3L + i * 5L;
}
