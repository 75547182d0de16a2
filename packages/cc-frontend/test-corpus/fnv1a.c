/* @inputs: 1 2|0 0|-1 -1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") unsigned long f(struct ctx *ctx) {
  unsigned char *p = (unsigned char *)ctx;
  unsigned long h = 0xcbf29ce484222325UL;
  for (int i = 0; i < 16; i++) { h ^= p[i]; h *= 0x100000001b3UL; }
  return h;
}
