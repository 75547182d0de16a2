/* @inputs: 5 6|3 3|8 1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  int a = IN(0) & 15, b = IN(1) & 15;
  long s = 0;
  for (int i = 0; i < a; i++)
    for (int j = 0; j < b; j++) s += i * j + (i ^ j);
  return s;
}
