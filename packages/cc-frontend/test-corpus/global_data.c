/* @inputs: 1|5
 * @kind: globals */
#include "corpus.h"
static long table[4] = { 10, 20, 30, 40 };
static const int weights[4] = { 1, 2, 3, 4 };
static long counter;
SEC("tbpf") long f(struct ctx *ctx) {
  long s = 0;
  counter += IN(0);
  for (int i = 0; i < 4; i++) s += table[i] * weights[i];
  table[0] = s;
  return s + counter + table[0];
}
