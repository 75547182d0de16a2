/* @inputs: 72623859790382856 -1|1 2
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned char *b = (unsigned char *)ctx;
  signed char *sb = (signed char *)ctx;
  unsigned short *h = (unsigned short *)ctx;
  return b[0] + b[1] * 3 + sb[8] * 7 + h[1] * 11L + ((int *)ctx)[1];
}
