/* @inputs: 7 2|-7 2|7 -2|-7 -2|100 7|-2147483647 3
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  int a = IN(0), b = IN(1);
  return (long)(a / b) * 1000 + a % b;
}
