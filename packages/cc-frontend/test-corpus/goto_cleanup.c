/* @inputs: 0|1|2
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  int r = 1;
  if (IN(0) == 0) goto out;
  r = 2;
  if (IN(0) == 1) goto out;
  r = 3;
out:
  return r * 11;
}
