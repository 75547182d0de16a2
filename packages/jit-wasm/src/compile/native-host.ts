/**
 * bpf_ktime_get_ns (5), bpf_get_prandom_u32 (7) and bpf_get_smp_processor_id (8) without the
 * helper trampoline: the clock and the random generator are the runtime's JavaScript functions,
 * called as direct imports returning a number (no exchange area, no HelperCall); the CPU number
 * is a constant of the runtime, compiled in.
 */
import { Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';
import type { BoundNatives, NativeContext, NativeHelpers } from './native.js';

export const KTIME_GET_NS = 5;
export const GET_PRANDOM_U32 = 7;
export const GET_SMP_PROCESSOR_ID = 8;
export const HOST_HELPERS = [KTIME_GET_NS, GET_PRANDOM_U32, GET_SMP_PROCESSOR_ID] as const;

export function nativeHostHelpers(ids: ReadonlySet<number>, cpu: number): NativeHelpers {
  return {
    bind(ctx: NativeContext): BoundNatives {
      const declared = new Map<number, number>();
      return {
        get(id) {
          if (!ids.has(id)) return undefined;
          let index = declared.get(id);
          if (index === undefined) {
            const c = new Code(6);
            if (id === KTIME_GET_NS) c.call(ctx.clockImport).i64TruncSatF64S();
            else if (id === GET_PRANDOM_U32) c.call(ctx.randomImport).op(Op.i64ExtendI32U);
            else c.i64Const(cpu | 0, Math.floor(cpu / 2 ** 32) | 0);
            index = ctx.m.funcWithBody([I64, I64, I64, I64, I64, I32], [I64], c);
            declared.set(id, index);
          }
          return index;
        },
        finish() {},
      };
    },
  };
}
