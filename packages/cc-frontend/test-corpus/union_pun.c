/* @inputs: 305419896|-1
 * @kind: pure */
#include "corpus.h"
union u { unsigned int w; unsigned short h[2]; unsigned char b[4]; };
SEC("tbpf") long f(struct ctx *ctx) {
  union u x;
  x.w = IN(0);
  return x.b[0] + x.b[3] * 256L + x.h[1] * 65536L;
}
