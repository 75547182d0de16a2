/* @inputs: 0|1|2|3|4|5|9|-1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") int f(struct ctx *ctx) {
  switch ((int)IN(0)) {
  case 0: return 10;
  case 1: return 20;
  case 2:
  case 3: return 30;
  case 4: { int x = 7; return x * 6; }
  default: return -1;
  }
}
