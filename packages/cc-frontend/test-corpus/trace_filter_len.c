/* @inputs: 0
 * @kind: regs */
#include "corpus.h"
#include <tbpf/trace.h>
struct bpf_context;
SEC("tbpf") int f(struct bpf_context *ctx) {
  unsigned long len = ctx->regs.dx;
  return len > 100 && (ctx->regs.si & 1) == 0;
}
