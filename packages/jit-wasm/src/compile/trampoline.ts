/**
 * `slow(id: i32, pc: i32, r1..r5: i64) → r0: i64`: calls the JavaScript helper `id`. The
 * arguments go through the exchange area as 32-bit halves (the `HelperCall.lo`/`hi` arrays), so
 * no BigInt is created on either side; r0 comes back the same way.
 */
import { Code, I32, I64 } from '../wasm/code.js';
import type { ModuleBuilder } from '../wasm/module.js';
import { Op } from '../wasm/opcodes.js';
import { scratchHi, scratchLo } from './layout.js';

export const SLOW_PARAMS = [I32, I32, I64, I64, I64, I64, I64] as const;

export function defineSlowPath(m: ModuleBuilder, helperImport: number, scratch: number): number {
  const c = new Code(SLOW_PARAMS.length);
  for (let n = 1; n <= 5; n++) {
    const r = n + 1;
    c.i32Const(0)
      .localGet(r)
      .mem(Op.i64Store32, 2, scratch + scratchLo(n));
    c.i32Const(0)
      .localGet(r)
      .i64Const(32)
      .op(Op.i64ShrU)
      .mem(Op.i64Store32, 2, scratch + scratchHi(n));
  }
  c.localGet(0).localGet(1).call(helperImport);
  c.i32Const(0).mem(Op.i64Load32U, 2, scratch + scratchLo(0));
  c.i32Const(0)
    .mem(Op.i64Load32U, 2, scratch + scratchHi(0))
    .i64Const(32)
    .op(Op.i64Shl);
  c.op(Op.i64Or);
  return m.funcWithBody(SLOW_PARAMS, [I64], c);
}
