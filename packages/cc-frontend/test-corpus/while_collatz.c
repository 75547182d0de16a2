/* @inputs: 27|1|97|871
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  unsigned long x = IN(0);
  int steps = 0;
  while (x != 1 && steps < 500) {
    if (x % 2) x = 3 * x + 1; else x /= 2;
    steps++;
  }
  return steps;
}
