/* @inputs: -5 3|7 -9|0 0|-2147483647 2147483647
 * @kind: pure */
#include "corpus.h"
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ABS(x) ((x) < 0 ? -(x) : (x))
SEC("tbpf") long f(struct ctx *ctx) {
  int a = IN(0), b = IN(1);
  return MIN(a, b) * 3L + MAX(a, b) * 5L + ABS(a) + ABS((long)b) * 7;
}
