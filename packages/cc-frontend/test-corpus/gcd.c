/* @inputs: 48 18|17 5|1000000007 998244353|0 9
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  unsigned long a = IN(0), b = IN(1);
  for (int i = 0; i < 100 && b != 0; i++) {
    unsigned long t = a % b;
    a = b;
    b = t;
  }
  return a;
}
