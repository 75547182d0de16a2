/* @inputs: 5 3|-1 1|100 0
 * @kind: pure */
#include "corpus.h"
struct flags { unsigned a : 3; int b : 5; unsigned c : 1; long d : 40; unsigned char e : 4; };
SEC("tbpf") long f(struct ctx *ctx) {
  struct flags fl = { 0 };
  fl.a = IN(0);
  fl.b = IN(0) * 3;
  fl.c = IN(1);
  fl.d = IN(0) * 1000000;
  fl.e = fl.a + 9;
  return fl.a + fl.b * 10L + fl.c * 100L + fl.d + fl.e * 7L + sizeof fl;
}
