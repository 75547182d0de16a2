/* @inputs: 0|1|2
 * @kind: pure */
#include "corpus.h"
enum color { RED, GREEN = 5, BLUE };
_Static_assert(sizeof(enum color) == 4, "enum is int-sized");
SEC("tbpf") long f(struct ctx *ctx) {
  enum color c = IN(0) == 0 ? RED : IN(0) == 1 ? GREEN : BLUE;
  return c * 100 + sizeof(long) * 10 + _Alignof(short) + sizeof(struct ctx);
}
