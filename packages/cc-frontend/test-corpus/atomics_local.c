/* @inputs: 5 3|0 1
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long v = IN(0);
  unsigned int w = IN(1);
  long old = __sync_fetch_and_add(&v, 10);
  __sync_fetch_and_or(&w, 0x100);
  long nv = __sync_add_and_fetch(&v, 1);
  __sync_fetch_and_xor(&w, 1);
  return old * 1000000 + nv * 1000 + w;
}
