/* @inputs: 0
 * @kind: regs */
#include "corpus.h"
#include <tbpf/trace.h>
SEC("tbpf") long f(struct pt_regs *regs) {
  return PT_REGS_PARM1(regs) * 3 + PT_REGS_PARM2(regs) - PT_REGS_PARM3(regs) + (regs->ax ^ regs->ip);
}
