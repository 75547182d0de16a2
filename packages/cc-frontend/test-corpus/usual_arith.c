/* @inputs: 1 2|5 3|0 1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  int i = -(int)IN(0); unsigned u = IN(1);
  long l = -(long)IN(0); unsigned long ul = IN(1);
  int r = 0;
  if (i < u) r |= 1;          /* i converted to unsigned */
  if (l < u) r |= 2;          /* u converted to long */
  if (i < ul) r |= 4;         /* i converted to unsigned long */
  if ((long)i < (long)u) r |= 8;
  return r + (i + u) * 16L;
}
