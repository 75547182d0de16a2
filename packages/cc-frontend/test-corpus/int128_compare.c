/* @inputs: 0 0|1 0|0 1|-1 -1|5 5
 * @kind: pure */
#include "corpus.h"
/* BPF code compares and assigns 128-bit values (bcc's tcptracer: `if (tuple->saddr_v6 == 0)`). */
struct tuple {
  unsigned __int128 addr;
  __int128 other;
};
SEC("tbpf") long f(struct ctx *ctx) {
  struct tuple t;
  __builtin_memcpy(&t.addr, &ctx->a[0], 16);
  t.other = -1;
  long r = 0;
  if (t.addr == 0) r += 1;
  if (t.addr != t.other) r += 10;
  t.other = 0;
  if (t.other == t.addr) r += 100;
  return r;
}
