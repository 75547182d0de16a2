/* @inputs: 1|2
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  char s[] = "hello, world";
  int sum = 0;
  for (int i = 0; i < (int)sizeof(s); i++) sum += s[i] * (i + (int)IN(0));
  return sum;
}
