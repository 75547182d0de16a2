/* @inputs: 200|50
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  char c = IN(0);
  unsigned char u = IN(0);
  return (c < 0) * 1000 + (c >> 1) + (u >> 1) * 3;
}
