/**
 * The event path of a BPF filter whose context is the RFC's `struct pt_regs` (arguments 1–3 in
 * si, dx, cx), and the register writes it is made of.
 *
 * The path is generated per filter, as the record fillers are (./event.ts), and holds only the
 * writes of the registers its program reads. That keeps its bytecode small: TurboFan then
 * inlines it, within its per-function budget, into the code that emits the event — with the
 * arguments unboxed and no call before the engine's. Everything off the common case (an
 * argument that is not a number, a kept event, a fault) is a call, and the arguments are not
 * used on the fault path (a catch block that reads them makes TurboFan keep them boxed).
 */
import type { EventPath } from './event.js';
import { PT_REGS, TRACEPOINT_ARG_REGS } from './pt-regs.js';

/**
 * Write a host value into a u64 of a pt_regs context held as u32 halves (`i`, `i + 1`). The
 * high half is floor(v / 2^32) (two's complement below 0), written as a constant for a BPF
 * address of the linear memory (2^32 + offset, the common argument): the store then does not
 * wait for a division, nor does the program's load of the register after it.
 */
export function setU64(r: Uint32Array, i: number, v: unknown): void {
  if (typeof v === 'number') {
    const lo = v >>> 0;
    const high = v - lo;
    r[i] = lo;
    r[i + 1] = high === 4294967296 ? 1 : (high / 4294967296) >>> 0;
  } else setU64Slow(r, i, v);
}

/** setU64 for what is not a number: an arena struct (its address), a bigint, a boolean (else 0). */
function setU64Slow(r: Uint32Array, i: number, v: unknown): void {
  if (typeof v === 'object' && v !== null && typeof (v as { address?: unknown }).address === 'number') {
    setU64(r, i, (v as { address: number }).address);
  } else if (typeof v === 'bigint') {
    r[i] = Number(BigInt.asUintN(32, v));
    r[i + 1] = Number(BigInt.asUintN(32, v >> 32n));
  } else {
    r[i] = v === true ? 1 : 0;
    r[i + 1] = 0;
  }
}

export interface RegsPathParts {
  /** The pt_regs context as u32 halves. */
  regs: Uint32Array;
  /** Whether the program reads a byte of each of TRACEPOINT_ARG_REGS (si, dx, cx). */
  reads: readonly boolean[];
  /** Runs the filter: `prepared.runFast(ctxOffset, 0)`. */
  prepared: { runFast(ctx: number, len: number): number };
  ctxOffset: number;
  /** Counts a dropped event (`ev.filtered++`). */
  event: { filtered: number };
  /** The filter returned non-zero: record the event. */
  kept: EventPath;
  /** The filter threw: count it; 1 when the fault policy keeps the event, -1 when it drops it. */
  faulted: (e: unknown) => 1 | -1;
}

export function compileRegsPath(parts: RegsPathParts): EventPath {
  // setU64's number case written out per register (a call would spend setU64's bytecode of
  // the caller's inlining budget once per register); the test checks that the two agree.
  const writes = TRACEPOINT_ARG_REGS.flatMap((name, arg) => {
    if (!parts.reads[arg]) return [];
    const i = PT_REGS[name] >> 2;
    const a = `a${arg}`;
    return [
      `if (typeof ${a} === 'number') { const lo = ${a} >>> 0; const high = ${a} - lo; r[${i}] = lo; r[${i + 1}] = high === 4294967296 ? 1 : (high / 4294967296) >>> 0; } else setU64Slow(r, ${i}, ${a});`,
    ];
  });
  const make = new Function(
    'r',
    'prepared',
    'ctx',
    'ev',
    'kept',
    'faulted',
    'setU64Slow',
    `return function regsPath(a0, a1, a2, a3, a4, a5) {
${writes.join('\n')}
let r0;
try { r0 = prepared.runFast(ctx, 0); } catch (e) { r0 = faulted(e); }
if (r0 === 0) ev.filtered++;
else if (r0 > 0) kept(a0, a1, a2, a3, a4, a5);
};`,
  );
  return make(
    parts.regs,
    parts.prepared,
    parts.ctxOffset,
    parts.event,
    parts.kept,
    parts.faulted,
    setU64Slow,
  ) as EventPath;
}
