/* @inputs: 0|1|256|-1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  _Bool b = IN(0);
  _Bool c = (unsigned char)IN(0);
  _Bool d = !IN(0);
  return b + 2 * c + 4 * d;
}
