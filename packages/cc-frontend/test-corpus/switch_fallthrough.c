/* @inputs: 0|1|2|3|100
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  int r = 0;
  switch (IN(0)) {
  case 0: r += 1;
  case 1: r += 10;
  case 2: r += 100; break;
  case 3: r += 1000;
  default: r += 5;
  }
  return r;
}
