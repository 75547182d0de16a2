/* @inputs: 3|4
 * @kind: globals */
#include "corpus.h"
long total;
int calls;
SEC("tbpf") long f(struct ctx *ctx) {
  total += IN(0);
  calls++;
  return total * 100 + calls;
}
