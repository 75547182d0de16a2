/* @inputs: 5|0|17
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  int n = IN(0), k = 0;
  do { k += n; n--; } while (n > 0 && k < 1000);
  return k;
}
