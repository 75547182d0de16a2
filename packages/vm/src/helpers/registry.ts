/**
 * The helper registry: helper id → prototype (read by the verifier) + implementation (called by
 * the interpreter, and by JIT engines through a JavaScript trampoline for helpers they do not
 * implement natively). Ids are unbounded (a Map), so hosts register whatever they need.
 */

import type { Insn } from '@tbpf/isa';
import { VmError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { HelperPrototype } from './prototype.js';

/** 2^32, for splitting numbers into 32-bit halves. */
const TWO32 = 4294967296;

/**
 * The arguments of one helper call, as 32-bit halves of r1..r5 (index n = rn). Engines reuse one
 * instance per run; a helper must not keep it. `stop()` ends the program at once with r0 = the
 * given value (the conformance suite's "unwind" helper uses it).
 */
export class HelperCall {
  /** Low 32 bits of r0..r10 (only r1..r5 are meaningful to a helper). */
  lo: Int32Array;
  /** High 32 bits of r0..r10. */
  hi: Int32Array;
  /** Instruction index of the call (for error messages). */
  pc = -1;
  /** Set by `stop()`; engines check it after every helper call. */
  stopped = false;
  stopValue = 0;
  /** r0 halves set by `set64` (for helpers that return undefined). */
  retLo = 0;
  retHi = 0;

  constructor(
    readonly runtime: Runtime,
    lo: Int32Array = new Int32Array(11),
    hi: Int32Array = new Int32Array(11),
  ) {
    this.lo = lo;
    this.hi = hi;
  }

  /** rn's low 32 bits, unsigned. */
  u32(n: number): number {
    return this.lo[n] >>> 0;
  }
  /** rn's low 32 bits, signed. */
  i32(n: number): number {
    return this.lo[n];
  }
  /** rn as a number: exact for values below 2^53 (sizes, BPF addresses). Negative values are huge. */
  num(n: number): number {
    return (this.hi[n] >>> 0) * TWO32 + (this.lo[n] >>> 0);
  }
  /** rn as a signed number (exact within ±2^53). */
  signed(n: number): number {
    return this.hi[n] * TWO32 + (this.lo[n] >>> 0);
  }
  /** rn as an unsigned 64-bit BigInt. */
  u64(n: number): bigint {
    return (BigInt(this.hi[n] >>> 0) << 32n) | BigInt(this.lo[n] >>> 0);
  }
  /**
   * rn as a pointer: its offset into the linear memory, or -1 if its high half is not 1 (not
   * an address in the linear memory). Range checks are the caller's (see `Runtime.check`).
   */
  offset(n: number): number {
    return this.hi[n] === 1 ? this.lo[n] >>> 0 : -1;
  }
  /** Set r0 from 32-bit halves without a BigInt; the helper then returns undefined. */
  set64(lo: number, hi: number): void {
    this.retLo = lo | 0;
    this.retHi = hi | 0;
  }
  /** End the program now with r0 = value (a number, sign-extended to 64 bits). */
  stop(value: number): void {
    this.stopped = true;
    this.stopValue = value;
  }
}

/**
 * A helper implementation. Returns r0: a number (an integer within ±2^53, sign-extended to 64
 * bits — enough for errnos, sizes and BPF addresses), a BigInt (taken modulo 2^64), or
 * undefined after `call.set64(lo, hi)`. Throwing a VmError stops the program with that error.
 */
export type HelperFn = (call: HelperCall) => number | bigint | undefined;

export interface HelperDef {
  proto: HelperPrototype;
  fn: HelperFn;
}

/**
 * The error every engine throws for a call (`callx`: a register's value) to a helper id that
 * nobody registered, naming the id that was called.
 */
export function unknownHelperError(id: bigint | number, pc: number, callx: boolean): VmError {
  return new VmError('unknown-helper', `${callx ? 'callx: ' : ''}no helper with id ${id}`, pc);
}

export class HelperRegistry {
  private readonly byId = new Map<number, HelperDef>();

  /** Add or replace helper `proto.id`. */
  register(proto: HelperPrototype, fn: HelperFn): this {
    this.byId.set(proto.id, { proto, fn });
    return this;
  }

  get(id: number): HelperDef | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The prototype of helper `id`, for the verifier. */
  prototype(id: number): HelperPrototype | undefined {
    return this.byId.get(id)?.proto;
  }

  /** Every registered helper, by ascending id. */
  list(): HelperDef[] {
    return [...this.byId.values()].sort((a, b) => a.proto.id - b.proto.id);
  }

  /** A registry with the same helpers, to extend without touching this one. */
  clone(): HelperRegistry {
    const copy = new HelperRegistry();
    for (const def of this.byId.values()) copy.register(def.proto, def.fn);
    return copy;
  }
}

/**
 * The helper ids `insns` call (`call` of a helper) that `registry` does not provide, in order of
 * first use: a verified program that needs one cannot run on this runtime.
 */
export function missingHelpers(registry: HelperRegistry, insns: readonly Insn[]): number[] {
  const missing: number[] = [];
  for (const insn of insns) {
    if (insn.kind !== 'call' || insn.target !== 'helper') continue;
    if (!registry.has(insn.imm) && !missing.includes(insn.imm)) missing.push(insn.imm);
  }
  return missing;
}

/** Split a helper's return value into r0's halves: writes lo[0] and hi[0]. */
export function setReturn(
  call: HelperCall,
  lo: Int32Array,
  hi: Int32Array,
  value: number | bigint | undefined,
): void {
  if (value === undefined) {
    lo[0] = call.retLo;
    hi[0] = call.retHi;
  } else if (typeof value === 'number') {
    const l = value | 0;
    lo[0] = l;
    // Most helpers return a small integer: its high half is its sign, no division needed.
    hi[0] = l === value ? l >> 31 : Math.floor(value / TWO32) | 0;
  } else {
    lo[0] = Number(BigInt.asIntN(32, value));
    hi[0] = Number(BigInt.asIntN(32, value >> 32n));
  }
}
