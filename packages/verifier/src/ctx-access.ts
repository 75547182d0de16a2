/**
 * Context accesses: a load or store through the ctx pointer is checked against the program
 * type's layout (Linux's check_ctx_access / the per-type is_valid_access).
 */
import { isConstValue } from './bounds.js';
import type { Checker } from './checker.js';
import { ptrReg, type Reg } from './state.js';
import { tnumStr } from './tnum.js';

/** Check an access of `size` bytes at ctx + `off`; returns the loaded register for typed fields. */
export function ctxAccess(
  c: Checker,
  regno: number,
  reg: Reg,
  off: number,
  size: number,
  kind: 'read' | 'write',
): Reg | undefined {
  const layout = c.opts.type.ctx;
  if (reg.off !== 0) c.reject(`dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`);
  if (!isConstValue(reg, 0)) c.reject(`variable ctx access var_off=${tnumStr(reg)} disallowed`);
  if (layout.kind === 'fields') {
    for (const f of layout.fields) {
      if (off < f.off || off + size > f.off + f.size) continue;
      const full = off === f.off && size === f.size;
      if (!full && (f.narrow === false || off % size !== 0)) continue;
      if (kind === 'write' && !f.write) continue;
      if (kind === 'read' && full && f.loads) {
        return f.loads === 'pkt_end' ? ptrReg('pkt_end') : ptrReg(f.loads, { id: 0, range: 0 });
      }
      return undefined;
    }
  }
  c.reject(`invalid bpf_context access off=${off} size=${size}`);
}
