/**
 * The reference interpreter (in the manner of ubpf's vm): registers as 32-bit halves in two
 * Int32Arrays (no BigInt on the hot path), the program pre-decoded by ./compile.ts into a flat
 * Int32Array, one flat `switch` over dense operation numbers (literal case labels so V8 emits a
 * jump table). ALU and JMP operations have one case for an immediate operand (even op, the
 * immediate pre-split into halves) and one for a register operand (odd op).
 *
 * Switches (PrepareOptions): bounds checking (default on), an instruction limit, a debug hook
 * called before every instruction, the helper registry (unbounded ids).
 *
 * Semantics (RFC 9669): division by zero gives 0; modulo by zero leaves dst unchanged (ALU32:
 * upper half zeroed); shift amounts are masked to 5/6 bits; ALU32 results are zero-extended.
 * BPF-to-BPF calls save r6–r9 and r10 and give the callee the next 512-byte frame (at most
 * MAX_CALL_FRAMES frames). Legacy packet loads (ABS/IND) read big-endian from the packet the
 * run started with (r1 = data, r2 = length); an access outside it ends the program with r0 = 0,
 * as in Linux.
 */
import type { DebugHook, PreparedProgram, PrepareOptions } from '../engine.js';
import { VmError } from '../errors.js';
import {
  HelperCall,
  type HelperFn,
  type HelperRegistry,
  setReturn,
  unknownHelperError,
} from '../helpers/registry.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../limits.js';
import { NULL_GUARD, type Region, SANDBOX_FAULT } from '../memory.js';
import { type LoadedProgram, zeroedStackTable } from '../program.js';
import { type Compiled, compile } from './compile.js';

const TWO32 = 4294967296;
const NO_LIMIT = Number.MAX_SAFE_INTEGER;
/** Saved per frame: lo/hi of r6..r10 and the return pc. */
const FRAME_WORDS = 11;

function mulhiU32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

function big(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** 64-bit division/modulo outside the fast paths (operands with a non-trivial high half). */
function slowDivMod(
  lo: Int32Array,
  hi: Int32Array,
  d: number,
  bl: number,
  bh: number,
  signed: boolean,
  mod: boolean,
) {
  let a = big(lo[d], hi[d]);
  let b = big(bl, bh);
  if (signed) {
    a = BigInt.asIntN(64, a);
    b = BigInt.asIntN(64, b);
  }
  const r = BigInt.asUintN(64, mod ? a % b : a / b);
  lo[d] = Number(r & 0xffffffffn);
  hi[d] = Number(r >> 32n);
}

export class InterpretedProgram implements PreparedProgram {
  readonly engine = 'interp' as const;
  lastInstructionCount = 0;
  private readonly compiled: Compiled;
  /** What every run reads, one load each (not through compiled, program.runtime.memory, stack). */
  private readonly code: Int32Array;
  private readonly helpers: HelperFn[];
  private readonly view: DataView;
  private readonly stackTop: number;
  private readonly lo = new Int32Array(11);
  private readonly hi = new Int32Array(11);
  private readonly frames = new Int32Array(MAX_CALL_FRAMES * FRAME_WORDS);
  private readonly call: HelperCall;
  private readonly stack: Region;
  /** Stack bytes zeroed on entering the function at each instruction (program.ts's ZeroedStack). */
  private readonly zeroed: Int32Array;
  private readonly limit: number;
  private readonly hook: DebugHook | undefined;
  private readonly registry: HelperRegistry;
  /** Without boundsCheck (the default) only the sandbox's window is checked, not the regions (see `region`). */
  private readonly sandbox: boolean;
  /** The window every access lies in without region checks: the memory above its NULL guard. */
  private readonly window: Region;
  private disposed = false;

  constructor(
    readonly program: LoadedProgram,
    options: PrepareOptions = {},
  ) {
    const runtime = program.runtime;
    this.registry = options.helpers ?? runtime.helpers;
    this.compiled = compile(program, this.registry, options.debug === undefined);
    this.sandbox = options.boundsCheck !== true;
    const size = runtime.memory.size;
    this.window = {
      name: 'linear memory',
      kind: 'scratch',
      start: NULL_GUARD,
      size: size - NULL_GUARD,
      end: size,
      writable: true,
    };
    this.limit = options.instructionLimit ? options.instructionLimit : NO_LIMIT;
    this.hook = options.debug;
    this.call = new HelperCall(runtime, this.lo, this.hi);
    this.stack = runtime.allocStack();
    this.code = this.compiled.code;
    this.helpers = this.compiled.helpers;
    this.view = runtime.memory.view;
    this.stackTop = this.stack.end;
    this.zeroed = zeroedStackTable(program);
  }

  run(ctx = 0, len = 0): bigint {
    this.enter(ctx, len);
    return big(this.lo[0], this.hi[0]);
  }

  runFast(ctx: number, len: number): number {
    this.enter(ctx, len);
    return this.lo[0] >>> 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.program.runtime.memory.free(this.stack);
  }

  /** Set r1, r2 by the host's address convention (engine.ts) and run. */
  private enter(ctx: number, len: number): void {
    this.lo[1] = ctx;
    this.hi[1] = ctx === 0 ? 0 : 1;
    this.lo[2] = len;
    this.hi[2] = 0;
    this.exec();
  }

  /** Registers are r1, r2 as set by the caller; everything else starts at 0, r10 at the stack top. */
  private exec(): void {
    if (this.disposed) throw new VmError('load', 'the prepared program was disposed');
    const lo = this.lo;
    const hi = this.hi;
    // Written out: V8 compiles a loop of these stores with a map and a bounds check each.
    lo[0] = 0;
    hi[0] = 0;
    lo[3] = 0;
    hi[3] = 0;
    lo[4] = 0;
    hi[4] = 0;
    lo[5] = 0;
    hi[5] = 0;
    lo[6] = 0;
    hi[6] = 0;
    lo[7] = 0;
    hi[7] = 0;
    lo[8] = 0;
    hi[8] = 0;
    lo[9] = 0;
    hi[9] = 0;
    lo[10] = this.stackTop;
    hi[10] = 1;
    const zeroed = this.zeroed;
    if (zeroed[0] !== 0) this.zeroStack(0, zeroed[0]);
    const code = this.code;
    const helpers: HelperFn[] = this.helpers;
    const call = this.call;
    call.stopped = false;
    const view = this.view;
    const frames = this.frames;
    const limit = this.limit;
    const hook = this.hook;
    // One comparison per instruction covers both the limit and the hook (check = 0: every time).
    // A small integer, so that V8 compares integers: past 2^31 - 1 instructions without a limit
    // that high, every instruction takes the branch below and finds nothing to do.
    const check = hook === undefined ? Math.min(limit, 0x7fffffff) | 0 : 0;
    const pktOff = hi[1] === 1 ? lo[1] >>> 0 : 0;
    const pktLen = hi[1] === 1 ? lo[2] >>> 0 : 0;
    // Last region that satisfied a read (rs..re) and a write (ws..we); without region checks
    // the one "region" is the sandbox's window, known before the first access.
    const window = this.sandbox ? this.window : undefined;
    let rs = window ? window.start : 0;
    let re = window ? window.end : 0;
    let ws = rs;
    let we = re;
    let depth = 0;
    let count = 0;
    let pc = 0;
    try {
      for (;;) {
        const at = pc << 3;
        if (++count > check) {
          if (count > limit)
            throw new VmError('instruction-limit', `instruction limit of ${limit} reached`, pc);
          if (hook !== undefined && hook(pc, lo, hi) === false) {
            throw new VmError('stopped', 'stopped by the debug hook', pc);
          }
        }
        const op = code[at];
        const d = code[at + 1];
        switch (op) {
          // ---- ALU: add sub mul div sdiv or and lsh rsh neg mod smod xor mov movsx8/16/32 arsh
          case 0: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo[d];
            const l = (al + bl) | 0;
            lo[d] = l;
            hi[d] = (hi[d] + bh + (l >>> 0 < al >>> 0 ? 1 : 0)) | 0;
            break;
          }
          case 1: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const al = lo[d];
            const l = (al + bl) | 0;
            lo[d] = l;
            hi[d] = (hi[d] + bh + (l >>> 0 < al >>> 0 ? 1 : 0)) | 0;
            break;
          }
          case 2: {
            const bl = code[at + 4];
            lo[d] = (lo[d] + bl) | 0;
            hi[d] = 0;
            break;
          }
          case 3: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = (lo[d] + bl) | 0;
            hi[d] = 0;
            break;
          }
          case 4: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo[d];
            lo[d] = (al - bl) | 0;
            hi[d] = (hi[d] - bh - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
            break;
          }
          case 5: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const al = lo[d];
            lo[d] = (al - bl) | 0;
            hi[d] = (hi[d] - bh - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
            break;
          }
          case 6: {
            const bl = code[at + 4];
            lo[d] = (lo[d] - bl) | 0;
            hi[d] = 0;
            break;
          }
          case 7: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = (lo[d] - bl) | 0;
            hi[d] = 0;
            break;
          }
          case 8: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo[d];
            hi[d] = Math.imul(hi[d], bl) + Math.imul(al, bh) + mulhiU32(al, bl);
            lo[d] = Math.imul(al, bl);
            break;
          }
          case 9: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const al = lo[d];
            hi[d] = Math.imul(hi[d], bl) + Math.imul(al, bh) + mulhiU32(al, bl);
            lo[d] = Math.imul(al, bl);
            break;
          }
          case 10: {
            const bl = code[at + 4];
            lo[d] = Math.imul(lo[d], bl);
            hi[d] = 0;
            break;
          }
          case 11: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = Math.imul(lo[d], bl);
            hi[d] = 0;
            break;
          }
          case 12: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) lo[d] = hi[d] = 0;
            else if (hi[d] === 0 && bh === 0) lo[d] = (lo[d] >>> 0) / (bl >>> 0);
            else slowDivMod(lo, hi, d, bl, bh, false, false);
            break;
          }
          case 13: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) lo[d] = hi[d] = 0;
            else if (hi[d] === 0 && bh === 0) lo[d] = (lo[d] >>> 0) / (bl >>> 0);
            else slowDivMod(lo, hi, d, bl, bh, false, false);
            break;
          }
          case 14: {
            const bl = code[at + 4];
            lo[d] = bl === 0 ? 0 : ((lo[d] >>> 0) / (bl >>> 0)) >>> 0;
            hi[d] = 0;
            break;
          }
          case 15: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = bl === 0 ? 0 : ((lo[d] >>> 0) / (bl >>> 0)) >>> 0;
            hi[d] = 0;
            break;
          }
          case 16: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) lo[d] = hi[d] = 0;
            else if (hi[d] === lo[d] >> 31 && bh === bl >> 31) {
              const q = Math.trunc(lo[d] / bl);
              lo[d] = q;
              hi[d] = q < 0 ? -1 : 0;
            } else slowDivMod(lo, hi, d, bl, bh, true, false);
            break;
          }
          case 17: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) lo[d] = hi[d] = 0;
            else if (hi[d] === lo[d] >> 31 && bh === bl >> 31) {
              const q = Math.trunc(lo[d] / bl);
              lo[d] = q;
              hi[d] = q < 0 ? -1 : 0;
            } else slowDivMod(lo, hi, d, bl, bh, true, false);
            break;
          }
          case 18: {
            const bl = code[at + 4];
            lo[d] = bl === 0 ? 0 : lo[d] / bl;
            hi[d] = 0;
            break;
          }
          case 19: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = bl === 0 ? 0 : lo[d] / bl;
            hi[d] = 0;
            break;
          }
          case 20: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo[d] |= bl;
            hi[d] |= bh;
            break;
          }
          case 21: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            lo[d] |= bl;
            hi[d] |= bh;
            break;
          }
          case 22: {
            const bl = code[at + 4];
            lo[d] |= bl;
            hi[d] = 0;
            break;
          }
          case 23: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] |= bl;
            hi[d] = 0;
            break;
          }
          case 24: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo[d] &= bl;
            hi[d] &= bh;
            break;
          }
          case 25: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            lo[d] &= bl;
            hi[d] &= bh;
            break;
          }
          case 26: {
            const bl = code[at + 4];
            lo[d] &= bl;
            hi[d] = 0;
            break;
          }
          case 27: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] &= bl;
            hi[d] = 0;
            break;
          }
          case 28: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              hi[d] = lo[d] << (n - 32);
              lo[d] = 0;
            } else if (n !== 0) {
              hi[d] = (hi[d] << n) | (lo[d] >>> (32 - n));
              lo[d] = lo[d] << n;
            }
            break;
          }
          case 29: {
            const s = code[at + 2];
            const bl = lo[s];
            const n = bl & 63;
            if (n >= 32) {
              hi[d] = lo[d] << (n - 32);
              lo[d] = 0;
            } else if (n !== 0) {
              hi[d] = (hi[d] << n) | (lo[d] >>> (32 - n));
              lo[d] = lo[d] << n;
            }
            break;
          }
          case 30: {
            const bl = code[at + 4];
            lo[d] = lo[d] << bl;
            hi[d] = 0;
            break;
          }
          case 31: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = lo[d] << bl;
            hi[d] = 0;
            break;
          }
          case 32: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              lo[d] = hi[d] >>> (n - 32);
              hi[d] = 0;
            } else if (n !== 0) {
              lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
              hi[d] = hi[d] >>> n;
            }
            break;
          }
          case 33: {
            const s = code[at + 2];
            const bl = lo[s];
            const n = bl & 63;
            if (n >= 32) {
              lo[d] = hi[d] >>> (n - 32);
              hi[d] = 0;
            } else if (n !== 0) {
              lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
              hi[d] = hi[d] >>> n;
            }
            break;
          }
          case 34: {
            const bl = code[at + 4];
            lo[d] = lo[d] >>> bl;
            hi[d] = 0;
            break;
          }
          case 35: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = lo[d] >>> bl;
            hi[d] = 0;
            break;
          }
          case 36: {
            const l = lo[d];
            lo[d] = -l;
            hi[d] = ~hi[d] + (l === 0 ? 1 : 0);
            break;
          }
          case 37: {
            const l = lo[d];
            lo[d] = -l;
            hi[d] = ~hi[d] + (l === 0 ? 1 : 0);
            break;
          }
          case 38: {
            lo[d] = -lo[d];
            hi[d] = 0;
            break;
          }
          case 39: {
            lo[d] = -lo[d];
            hi[d] = 0;
            break;
          }
          case 40: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === 0 && bh === 0) lo[d] = (lo[d] >>> 0) % (bl >>> 0);
            else slowDivMod(lo, hi, d, bl, bh, false, true);
            break;
          }
          case 41: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === 0 && bh === 0) lo[d] = (lo[d] >>> 0) % (bl >>> 0);
            else slowDivMod(lo, hi, d, bl, bh, false, true);
            break;
          }
          case 42: {
            const bl = code[at + 4];
            if (bl !== 0) lo[d] = (lo[d] >>> 0) % (bl >>> 0);
            hi[d] = 0;
            break;
          }
          case 43: {
            const s = code[at + 2];
            const bl = lo[s];
            if (bl !== 0) lo[d] = (lo[d] >>> 0) % (bl >>> 0);
            hi[d] = 0;
            break;
          }
          case 44: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === lo[d] >> 31 && bh === bl >> 31) {
              const r = lo[d] % bl;
              lo[d] = r;
              hi[d] = r < 0 ? -1 : 0;
            } else slowDivMod(lo, hi, d, bl, bh, true, true);
            break;
          }
          case 45: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === lo[d] >> 31 && bh === bl >> 31) {
              const r = lo[d] % bl;
              lo[d] = r;
              hi[d] = r < 0 ? -1 : 0;
            } else slowDivMod(lo, hi, d, bl, bh, true, true);
            break;
          }
          case 46: {
            const bl = code[at + 4];
            if (bl !== 0) lo[d] = lo[d] % bl;
            hi[d] = 0;
            break;
          }
          case 47: {
            const s = code[at + 2];
            const bl = lo[s];
            if (bl !== 0) lo[d] = lo[d] % bl;
            hi[d] = 0;
            break;
          }
          case 48: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo[d] ^= bl;
            hi[d] ^= bh;
            break;
          }
          case 49: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            lo[d] ^= bl;
            hi[d] ^= bh;
            break;
          }
          case 50: {
            const bl = code[at + 4];
            lo[d] ^= bl;
            hi[d] = 0;
            break;
          }
          case 51: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] ^= bl;
            hi[d] = 0;
            break;
          }
          case 52: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo[d] = bl;
            hi[d] = bh;
            break;
          }
          case 53: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            lo[d] = bl;
            hi[d] = bh;
            break;
          }
          case 54: {
            const bl = code[at + 4];
            lo[d] = bl;
            hi[d] = 0;
            break;
          }
          case 55: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = bl;
            hi[d] = 0;
            break;
          }
          case 56: {
            const bl = code[at + 4];
            const v = (bl << 24) >> 24;
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 57: {
            const s = code[at + 2];
            const bl = lo[s];
            const v = (bl << 24) >> 24;
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 58: {
            const bl = code[at + 4];
            lo[d] = (bl << 24) >> 24;
            hi[d] = 0;
            break;
          }
          case 59: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = (bl << 24) >> 24;
            hi[d] = 0;
            break;
          }
          case 60: {
            const bl = code[at + 4];
            const v = (bl << 16) >> 16;
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 61: {
            const s = code[at + 2];
            const bl = lo[s];
            const v = (bl << 16) >> 16;
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 62: {
            const bl = code[at + 4];
            lo[d] = (bl << 16) >> 16;
            hi[d] = 0;
            break;
          }
          case 63: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = (bl << 16) >> 16;
            hi[d] = 0;
            break;
          }
          case 64: {
            const bl = code[at + 4];
            lo[d] = bl;
            hi[d] = bl >> 31;
            break;
          }
          case 65: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = bl;
            hi[d] = bl >> 31;
            break;
          }
          case 66: {
            const bl = code[at + 4];
            lo[d] = bl;
            hi[d] = 0;
            break;
          }
          case 67: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = bl;
            hi[d] = 0;
            break;
          }
          case 68: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              lo[d] = hi[d] >> (n - 32);
              hi[d] = hi[d] >> 31;
            } else if (n !== 0) {
              lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
              hi[d] = hi[d] >> n;
            }
            break;
          }
          case 69: {
            const s = code[at + 2];
            const bl = lo[s];
            const n = bl & 63;
            if (n >= 32) {
              lo[d] = hi[d] >> (n - 32);
              hi[d] = hi[d] >> 31;
            } else if (n !== 0) {
              lo[d] = (lo[d] >>> n) | (hi[d] << (32 - n));
              hi[d] = hi[d] >> n;
            }
            break;
          }
          case 70: {
            const bl = code[at + 4];
            lo[d] = lo[d] >> bl;
            hi[d] = 0;
            break;
          }
          case 71: {
            const s = code[at + 2];
            const bl = lo[s];
            lo[d] = lo[d] >> bl;
            hi[d] = 0;
            break;
          }
          // ---- JMP: jeq jgt jge jset jne jsgt jsge jlt jle jslt jsle (64-bit, then 32-bit)
          case 72: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (lo[d] === bl && hi[d] === bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 73: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (lo[d] === bl && hi[d] === bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 74: {
            const bl = code[at + 4];
            if (lo[d] === bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 75: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] === bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 76: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || (ah === b && lo[d] >>> 0 > bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 77: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || (ah === b && lo[d] >>> 0 > bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 78: {
            const bl = code[at + 4];
            if (lo[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 79: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 80: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || (ah === b && lo[d] >>> 0 >= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 81: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || (ah === b && lo[d] >>> 0 >= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 82: {
            const bl = code[at + 4];
            if (lo[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 83: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 84: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if ((lo[d] & bl) !== 0 || (hi[d] & bh) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 85: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if ((lo[d] & bl) !== 0 || (hi[d] & bh) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 86: {
            const bl = code[at + 4];
            if ((lo[d] & bl) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 87: {
            const s = code[at + 2];
            const bl = lo[s];
            if ((lo[d] & bl) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 88: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (lo[d] !== bl || hi[d] !== bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 89: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            if (lo[d] !== bl || hi[d] !== bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 90: {
            const bl = code[at + 4];
            if (lo[d] !== bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 91: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] !== bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 92: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah > bh || (ah === bh && lo[d] >>> 0 > bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 93: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah > bh || (ah === bh && lo[d] >>> 0 > bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 94: {
            const bl = code[at + 4];
            if (lo[d] > bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 95: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] > bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 96: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah > bh || (ah === bh && lo[d] >>> 0 >= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 97: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah > bh || (ah === bh && lo[d] >>> 0 >= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 98: {
            const bl = code[at + 4];
            if (lo[d] >= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 99: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] >= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 100: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || (ah === b && lo[d] >>> 0 < bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 101: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || (ah === b && lo[d] >>> 0 < bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 102: {
            const bl = code[at + 4];
            if (lo[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 103: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 104: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || (ah === b && lo[d] >>> 0 <= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 105: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || (ah === b && lo[d] >>> 0 <= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 106: {
            const bl = code[at + 4];
            if (lo[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 107: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 108: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah < bh || (ah === bh && lo[d] >>> 0 < bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 109: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah < bh || (ah === bh && lo[d] >>> 0 < bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 110: {
            const bl = code[at + 4];
            if (lo[d] < bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 111: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] < bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 112: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah < bh || (ah === bh && lo[d] >>> 0 <= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 113: {
            const s = code[at + 2];
            const bl = lo[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah < bh || (ah === bh && lo[d] >>> 0 <= bl >>> 0)) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 114: {
            const bl = code[at + 4];
            if (lo[d] <= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 115: {
            const s = code[at + 2];
            const bl = lo[s];
            if (lo[d] <= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          // ---- control
          case 116: // ja, gotol
            pc = code[at + 3];
            continue;
          case 117: {
            // call helper
            this.invoke(helpers[code[at + 4]], this.compiled.helperIds[code[at + 4]], pc);
            if (call.stopped) {
              this.stopWith(call.stopValue);
              this.lastInstructionCount = count;
              return;
            }
            break;
          }
          case 118: {
            // call local
            if (depth + 1 >= MAX_CALL_FRAMES) {
              throw new VmError('call-depth', `more than ${MAX_CALL_FRAMES} nested calls`, pc);
            }
            const f = depth * FRAME_WORDS;
            for (let r = 6; r <= 10; r++) {
              frames[f + (r - 6) * 2] = lo[r];
              frames[f + (r - 6) * 2 + 1] = hi[r];
            }
            frames[f + 10] = pc + 1;
            depth++;
            lo[10] = lo[10] - STACK_SIZE;
            if (zeroed[code[at + 3]] !== 0) this.zeroStack(pc, zeroed[code[at + 3]]);
            pc = code[at + 3];
            continue;
          }
          case 119: {
            // callx: the register holds a helper id
            const id = lo[d] >>> 0;
            const def = hi[d] === 0 ? this.registry.get(id) : undefined;
            if (!def) throw unknownHelperError(big(lo[d], hi[d]), pc, true);
            this.invoke(def.fn, id, pc);
            if (call.stopped) {
              this.stopWith(call.stopValue);
              this.lastInstructionCount = count;
              return;
            }
            break;
          }
          case 120: {
            // exit
            if (depth === 0) {
              this.lastInstructionCount = count;
              return;
            }
            depth--;
            const f = depth * FRAME_WORDS;
            for (let r = 6; r <= 10; r++) {
              lo[r] = frames[f + (r - 6) * 2];
              hi[r] = frames[f + (r - 6) * 2 + 1];
            }
            pc = frames[f + 10];
            continue;
          }
          case 121: // lddw
            lo[d] = code[at + 4];
            hi[d] = code[at + 5];
            break;
          case 122:
            throw new VmError('fell-off', 'execution ran past the last instruction without exit', pc);
          // ---- loads: ldxb ldxh ldxw ldxdw ldxsb ldxsh ldxsw
          case 123: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 1 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 1, false);
              rs = r.start;
              re = r.end;
            }
            lo[d] = view.getUint8(a);
            hi[d] = 0;
            break;
          }
          case 124: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 2 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 2, false);
              rs = r.start;
              re = r.end;
            }
            lo[d] = view.getUint16(a, true);
            hi[d] = 0;
            break;
          }
          case 125: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 4 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 4, false);
              rs = r.start;
              re = r.end;
            }
            lo[d] = view.getInt32(a, true);
            hi[d] = 0;
            break;
          }
          case 126: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 8 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 8, false);
              rs = r.start;
              re = r.end;
            }
            lo[d] = view.getInt32(a, true);
            hi[d] = view.getInt32(a + 4, true);
            break;
          }
          case 127: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 1 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 1, false);
              rs = r.start;
              re = r.end;
            }
            const v = view.getInt8(a);
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 128: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 2 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 2, false);
              rs = r.start;
              re = r.end;
            }
            const v = view.getInt16(a, true);
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 129: {
            const s = code[at + 2];
            const a = (lo[s] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 4 > re)) {
              const r = this.region(pc, lo[s], hi[s], code[at + 3], 4, false);
              rs = r.start;
              re = r.end;
            }
            const v = view.getInt32(a, true);
            lo[d] = v;
            hi[d] = v >> 31;
            break;
          }
          // ---- stores of an immediate: stb sth stw stdw
          case 130:
          case 131:
          case 132:
          case 133: {
            const size = 1 << (op - 130);
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + size > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], size, true);
              ws = r.start;
              we = r.end;
            }
            const v = code[at + 4];
            if (op === 130) view.setUint8(a, v);
            else if (op === 131) view.setUint16(a, v, true);
            else if (op === 132) view.setInt32(a, v, true);
            else {
              view.setInt32(a, v, true);
              view.setInt32(a + 4, code[at + 5], true);
            }
            break;
          }
          // ---- stores of a register: stxb stxh stxw stxdw
          case 134: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 1 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 1, true);
              ws = r.start;
              we = r.end;
            }
            view.setUint8(a, lo[code[at + 2]]);
            break;
          }
          case 135: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 2 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 2, true);
              ws = r.start;
              we = r.end;
            }
            view.setUint16(a, lo[code[at + 2]], true);
            break;
          }
          case 136: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 4 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 4, true);
              ws = r.start;
              we = r.end;
            }
            view.setInt32(a, lo[code[at + 2]], true);
            break;
          }
          case 137: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 8 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 8, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            view.setInt32(a, lo[s], true);
            view.setInt32(a + 4, hi[s], true);
            break;
          }
          // ---- byte order: le16 le32 le64 be16 be32 be64 (bswap = be on little-endian)
          case 138:
            lo[d] &= 0xffff;
            hi[d] = 0;
            break;
          case 139:
            hi[d] = 0;
            break;
          case 140:
            break;
          case 141: {
            const v = lo[d];
            lo[d] = ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
            hi[d] = 0;
            break;
          }
          case 142:
            lo[d] = bswap32(lo[d]);
            hi[d] = 0;
            break;
          case 143: {
            const l = lo[d];
            lo[d] = bswap32(hi[d]);
            hi[d] = bswap32(l);
            break;
          }
          // ---- atomics: 144 + op·4 + (dw ? 2 : 0) + (fetch ? 1 : 0), op = add or and xor xchg cmpxchg
          case 144:
          case 145:
          case 148:
          case 149:
          case 152:
          case 153:
          case 156:
          case 157:
          case 160:
          case 161:
          case 164:
          case 165: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 4 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 4, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            const old = view.getInt32(a, true);
            const kind = (op - 144) >> 2;
            if (kind === 5) {
              if (old === lo[0]) view.setInt32(a, lo[s], true);
              lo[0] = old;
              hi[0] = 0;
              break;
            }
            const v = lo[s];
            view.setInt32(
              a,
              kind === 0 ? old + v : kind === 1 ? old | v : kind === 2 ? old & v : kind === 3 ? old ^ v : v,
              true,
            );
            if (op & 1 || kind === 4) {
              lo[s] = old;
              hi[s] = 0;
            }
            break;
          }
          case 146:
          case 147:
          case 150:
          case 151:
          case 154:
          case 155:
          case 158:
          case 159:
          case 162:
          case 163:
          case 166:
          case 167: {
            const a = (lo[d] + code[at + 3]) | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 8 > we)) {
              const r = this.region(pc, lo[d], hi[d], code[at + 3], 8, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            const ol = view.getInt32(a, true);
            const oh = view.getInt32(a + 4, true);
            const kind = (op - 144) >> 2;
            if (kind === 5) {
              if (ol === lo[0] && oh === hi[0]) {
                view.setInt32(a, lo[s], true);
                view.setInt32(a + 4, hi[s], true);
              }
              lo[0] = ol;
              hi[0] = oh;
              break;
            }
            const vl = lo[s];
            const vh = hi[s];
            let nl: number;
            let nh: number;
            if (kind === 0) {
              const l = (ol >>> 0) + (vl >>> 0);
              nl = l | 0;
              nh = (oh + vh + (l > 4294967295 ? 1 : 0)) | 0;
            } else if (kind === 1) {
              nl = ol | vl;
              nh = oh | vh;
            } else if (kind === 2) {
              nl = ol & vl;
              nh = oh & vh;
            } else if (kind === 3) {
              nl = ol ^ vl;
              nh = oh ^ vh;
            } else {
              nl = vl;
              nh = vh;
            }
            view.setInt32(a, nl, true);
            view.setInt32(a + 4, nh, true);
            if (op & 1 || kind === 4) {
              lo[s] = ol;
              hi[s] = oh;
            }
            break;
          }
          // ---- legacy packet loads: ldabs b h w, ldind b h w (big-endian; out of packet: exit 0)
          case 168:
          case 169:
          case 170:
          case 171:
          case 172:
          case 173: {
            const size = 1 << (op >= 171 ? op - 171 : op - 168);
            const k = (op >= 171 ? lo[code[at + 2]] >>> 0 : 0) + code[at + 4];
            if (k < 0 || k + size > pktLen) {
              lo[0] = hi[0] = 0;
              this.lastInstructionCount = count;
              return;
            }
            const a = pktOff + k;
            lo[0] =
              size === 1 ? view.getUint8(a) : size === 2 ? view.getUint16(a, false) : view.getInt32(a, false);
            hi[0] = 0;
            break;
          }
          case 174: {
            const id = code[at + 4];
            if (code[at + 5] === 1)
              throw new VmError('unknown-helper', `kfunc calls are not supported (BTF id ${id})`, pc);
            throw unknownHelperError(id, pc, false);
          }
          default:
            throw new VmError('unknown-opcode', `internal operation ${op} is not executable`, pc);
        }
        pc++;
      }
    } catch (e) {
      this.lastInstructionCount = count;
      throw this.wrap(e, pc);
    }
  }

  private stopWith(value: number): void {
    this.lo[0] = value | 0;
    this.hi[0] = Math.floor(value / TWO32) | 0;
  }

  /**
   * The region for an access of `size` bytes at register (regLo, regHi) + off, or a VmError.
   * Without region checks (`boundsCheck` not true, the default) the sandbox's rule, the one every engine
   * follows: the access is at offset (regLo + off) mod 2^32 whatever regHi holds, and faults
   * unless it lies in the memory above the NULL guard (then `window` is the "region").
   */
  private region(
    pc: number,
    regLo: number,
    regHi: number,
    off: number,
    size: number,
    write: boolean,
  ): Region {
    const mem = this.program.runtime.memory;
    if (this.sandbox) {
      const at = (regLo + off) | 0;
      if (at >= NULL_GUARD && at + size <= mem.size) return this.window;
      const address = BigInt.asUintN(64, big(regLo, regHi) + BigInt(off));
      const what = `${write ? 'write' : 'read'} of ${size} byte${size > 1 ? 's' : ''} at 0x${address.toString(16)}`;
      throw new VmError('out-of-bounds', `invalid ${what}: ${SANDBOX_FAULT}`, pc, address, size);
    }
    const a = (regLo >>> 0) + off;
    const region = regHi === 1 && a >= 0 ? mem.regionAt(a, size) : undefined;
    if (region && (!write || region.writable)) return region;
    const address = BigInt.asUintN(64, big(regLo, regHi) + BigInt(off));
    const what = `${write ? 'write' : 'read'} of ${size} byte${size > 1 ? 's' : ''} at 0x${address.toString(16)}`;
    if (region) {
      throw new VmError(
        'out-of-bounds',
        `invalid ${what}: region '${region.name}' is read-only`,
        pc,
        address,
        size,
      );
    }
    const inside = regHi === 1 && a >= 0 ? mem.regionAt(a) : undefined;
    const why = inside ? `crosses the end of region '${inside.name}'` : 'is outside every memory region';
    throw new VmError('out-of-bounds', `invalid ${what}: ${why}`, pc, address, size);
  }

  /**
   * Zero `bytes` of the stack below r10 on entering a function (program.ts's ZeroedStack): the
   * 8-byte stores of 0 at r10 - 8, r10 - 16, …, each checked as a store at `pc` would be.
   */
  private zeroStack(pc: number, bytes: number): void {
    const { lo, hi } = this;
    const view = this.program.runtime.memory.view;
    for (let k = 8; k <= bytes; k += 8) {
      this.region(pc, lo[10], hi[10], -k, 8, true);
      const a = (lo[10] - k) | 0;
      view.setInt32(a, 0, true);
      view.setInt32(a + 4, 0, true);
    }
  }

  /**
   * Call a helper; anything it throws other than a VmError becomes VmError('helper-failed').
   * Afterwards r1–r5 are 0, as on every engine (engine.ts).
   */
  private invoke(fn: HelperFn, id: number, pc: number): void {
    const { call, lo, hi } = this;
    call.pc = pc;
    try {
      setReturn(call, lo, hi, fn(call));
      // HELPER_CLOBBERS_ZEROED (r1–r5; a test checks the list), written out: a loop over the
      // list costs the RFC filter about 10 ns per call.
      lo[1] = hi[1] = lo[2] = hi[2] = lo[3] = hi[3] = lo[4] = hi[4] = lo[5] = hi[5] = 0;
    } catch (e) {
      if (e instanceof VmError) throw e;
      throw new VmError(
        'helper-failed',
        `helper ${id} failed: ${e instanceof Error ? e.message : String(e)}`,
        pc,
      );
    }
  }

  private wrap(e: unknown, pc: number): VmError {
    if (e instanceof VmError) return e;
    if (e instanceof RangeError && /offset|bounds/i.test(e.message)) {
      return new VmError('out-of-bounds', `memory access outside the linear memory (${e.message})`, pc);
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return new VmError('internal', `internal error: ${msg}`, pc);
  }
}

/** The interpreter as an Engine. Always available. */
export const interpreter = {
  name: 'interp' as const,
  available: () => ({ ok: true as const }),
  prepare: (program: LoadedProgram, options?: PrepareOptions): InterpretedProgram =>
    new InterpretedProgram(program, options),
};
