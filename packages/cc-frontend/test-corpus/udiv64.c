/* @inputs: 18446744073709551615 10|123 4|1 3
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned long f(struct ctx *ctx) {
  unsigned long a = IN(0), b = IN(1);
  return a / b + a % b;
}
