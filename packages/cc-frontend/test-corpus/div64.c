/* @inputs: 123456789012 1000|-123456789012 1000|99 -7|-99 -7
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long a = IN(0), b = IN(1);
  return (a / b) ^ (a % b);
}
