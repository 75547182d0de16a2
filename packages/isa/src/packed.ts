/**
 * A program as numbers: one entry per instruction (lddw counts once, as in `Insn[]`) in typed
 * arrays, the operation as its row id in OPCODE_TABLE. Passes over a program (loading, the JITs,
 * the interpreter's compiler) read `op[i]` and the row columns below instead of `insn.kind` and
 * friends across fifteen object shapes, which V8 can only read through megamorphic lookups.
 *
 * The row columns say what an op is, as small numbers:
 * - OP_KIND: the kind's index in INSN_KINDS (KIND_ALU, …);
 * - OP_SUB: the operation's index in its kind's list — ALU_OPS, JMP_OPS, ATOMIC_OPS, END_OPS,
 *   CALL_TARGETS, LDDW_SOURCES — 0 for kinds without one;
 * - OP_WIDE: 1 for 64-bit ALU/jump operands and 8-byte atomics;
 * - OP_REG: 1 when an ALU or jump operand is the src register (X), 0 for the immediate (K);
 * - OP_SIZE: the access size in bytes (loads, stores, atomics), the swapped width in bytes (end);
 * - OP_FLAG: 1 for sign-extending loads and fetching atomics.
 */
import { IsaError } from './errors.js';
import {
  ALU_OPS,
  ATOMIC_OPS,
  CALL_TARGETS,
  END_OPS,
  INSN_KINDS,
  type Insn,
  JMP_OPS,
  LDDW_SOURCES,
} from './insn.js';
import { OPCODE_TABLE, rowIdOf, type Shape } from './table.js';

export const KIND_ALU = 0;
export const KIND_END = 1;
export const KIND_JMP = 2;
export const KIND_JA = 3;
export const KIND_GOTOL = 4;
export const KIND_CALL = 5;
export const KIND_CALLX = 6;
export const KIND_EXIT = 7;
export const KIND_LDDW = 8;
export const KIND_LDABS = 9;
export const KIND_LDIND = 10;
export const KIND_LDX = 11;
export const KIND_ST = 12;
export const KIND_STX = 13;
export const KIND_ATOMIC = 14;

export interface PackedInsns {
  /** Number of instructions. */
  readonly length: number;
  /** Row id in OPCODE_TABLE. */
  readonly op: Uint8Array;
  /** Destination register (callx: the register holding the helper id); 0 when the kind has none. */
  readonly dst: Uint8Array;
  /** Source register; 0 when the kind has none. */
  readonly src: Uint8Array;
  /** Offset (jumps: slot offset from the next slot); 0 when the kind has none. */
  readonly off: Int32Array;
  /** Immediate, as a signed 32-bit value (lddw: the first slot's); 0 when the kind has none. */
  readonly imm: Int32Array;
  /** lddw: the second slot's immediate; 0 elsewhere. */
  readonly imm2: Int32Array;
}

function numbers<T extends string>(list: readonly T[]): Readonly<Record<T, number>> {
  return Object.freeze(Object.fromEntries(list.map((name, i) => [name, i])) as Record<T, number>);
}

/** OP_SUB values by name: `OP_SUB[op] === ALU_OP.mov`. */
export const ALU_OP = numbers(ALU_OPS);
export const JMP_OP = numbers(JMP_OPS);
export const ATOMIC_OP = numbers(ATOMIC_OPS);
export const END_OP = numbers(END_OPS);
export const CALL_TARGET = numbers(CALL_TARGETS);
export const LDDW_SOURCE = numbers(LDDW_SOURCES);

function column(value: (shape: Shape) => number): Uint8Array {
  return Uint8Array.from(OPCODE_TABLE, (r) => value(r.shape));
}

export const OP_KIND = column((s) => INSN_KINDS.indexOf(s.kind));
export const OP_SUB = column((s) => {
  switch (s.kind) {
    case 'alu':
      return ALU_OPS.indexOf(s.op);
    case 'jmp':
      return JMP_OPS.indexOf(s.op);
    case 'atomic':
      return ATOMIC_OPS.indexOf(s.op);
    case 'end':
      return END_OPS.indexOf(s.op);
    case 'call':
      return CALL_TARGETS.indexOf(s.target);
    case 'lddw':
      return LDDW_SOURCES.indexOf(s.source);
    default:
      return 0;
  }
});
export const OP_WIDE = column((s) =>
  (s.kind === 'alu' || s.kind === 'jmp') && s.width === 64 ? 1 : s.kind === 'atomic' && s.size === 8 ? 1 : 0,
);
export const OP_REG = column((s) => ((s.kind === 'alu' || s.kind === 'jmp') && s.source === 'reg' ? 1 : 0));
export const OP_SIZE = column((s) => ('size' in s ? s.size : s.kind === 'end' ? s.bits / 8 : 0));
export const OP_FLAG = column((s) =>
  (s.kind === 'ldx' && s.signed) || (s.kind === 'atomic' && s.fetch) ? 1 : 0,
);

function register(value: number, what: string, index: number): number {
  if (!(Number.isInteger(value) && value >= 0 && value <= 10)) {
    throw new IsaError('bad-register', `invalid ${what} register r${value}`, index);
  }
  return value;
}

/** Columns for `n` instructions, all 0 (the value of a field an instruction lacks). */
export function zeroPacked(n: number): PackedInsns {
  return {
    length: n,
    op: new Uint8Array(n),
    dst: new Uint8Array(n),
    src: new Uint8Array(n),
    off: new Int32Array(n),
    imm: new Int32Array(n),
    imm2: new Int32Array(n),
  };
}

/**
 * Pack instruction objects. An instruction with no encoding (an impossible combination, a
 * register outside r0–r10) is an IsaError with its index. Immediates and offsets keep their low
 * 32 bits, as engines use them.
 */
export function packInsns(insns: readonly Insn[]): PackedInsns {
  const n = insns.length;
  const code = zeroPacked(n);
  const { op, dst, src, off, imm, imm2 } = code;
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const id = rowIdOf(insn);
    if (id < 0) throw new IsaError('bad-selector', `no encoding for ${JSON.stringify(insn)}`, i);
    op[i] = id;
    // Cases in order of how common the kinds are.
    switch (insn.kind) {
      case 'alu':
        dst[i] = register(insn.dst, 'destination', i);
        if (insn.source === 'reg') src[i] = register(insn.src, 'source', i);
        else imm[i] = insn.imm;
        break;
      case 'ldx':
      case 'stx':
      case 'atomic':
        dst[i] = register(insn.dst, 'destination', i);
        src[i] = register(insn.src, 'source', i);
        off[i] = insn.off;
        break;
      case 'jmp':
        dst[i] = register(insn.dst, 'destination', i);
        if (insn.source === 'reg') src[i] = register(insn.src, 'source', i);
        else imm[i] = insn.imm;
        off[i] = insn.off;
        break;
      case 'st':
        dst[i] = register(insn.dst, 'destination', i);
        off[i] = insn.off;
        imm[i] = insn.imm;
        break;
      case 'lddw':
        dst[i] = register(insn.dst, 'destination', i);
        imm[i] = insn.imm;
        imm2[i] = insn.imm2;
        break;
      case 'gotol':
      case 'call':
      case 'ldabs':
        imm[i] = insn.imm;
        break;
      case 'exit':
        break;
      case 'ja':
        off[i] = insn.off;
        break;
      case 'end':
        dst[i] = register(insn.dst, 'destination', i);
        break;
      case 'callx':
        dst[i] = register(insn.reg, 'call', i);
        break;
      case 'ldind':
        src[i] = register(insn.src, 'source', i);
        imm[i] = insn.imm;
        break;
    }
  }
  return code;
}

/** Branch resolution results that are not an instruction index (see `packedBranchTargets`). */
export const NO_BRANCH = -1;
export const BRANCH_OUT_OF_RANGE = -2;
export const BRANCH_LDDW_MIDDLE = -3;

/** Where an op's branch offset is (OP_BRANCH): none, the offset field (jumps), the immediate (gotol, local calls). */
const BRANCH_NONE = 0;
const BRANCH_OFF = 1;
const BRANCH_IMM = 2;
const OP_BRANCH = Uint8Array.from(OPCODE_TABLE, (r) => {
  const s = r.shape;
  if (s.kind === 'jmp' || s.kind === 'ja') return BRANCH_OFF;
  return s.kind === 'gotol' || (s.kind === 'call' && s.target === 'local') ? BRANCH_IMM : BRANCH_NONE;
});

/**
 * Every branch (jumps, gotol, local calls) resolved to an instruction index; NO_BRANCH where
 * there is none, BRANCH_OUT_OF_RANGE / BRANCH_LDDW_MIDDLE where the target slot is outside the
 * program or the second slot of an lddw. `slot` gets each instruction's first slot, plus the
 * total at the end (the target slot of a branch at i is `slot[i + 1] + offset`). The loops read
 * tables only (no call per instruction): a fresh process runs them unoptimised.
 */
export function packedBranchTargets(code: PackedInsns): { target: Int32Array; slot: Int32Array } {
  const { length: n, op, off, imm } = code;
  const slot = new Int32Array(n + 1);
  for (let i = 0, s = 0; i <= n; i++) {
    slot[i] = s;
    s += i < n && OP_KIND[op[i]] === KIND_LDDW ? 2 : 1;
  }
  const total = slot[n];
  // Without an lddw, slot and index are the same.
  let bySlot: Int32Array | undefined;
  if (total !== n) {
    bySlot = new Int32Array(total).fill(BRANCH_LDDW_MIDDLE);
    for (let i = 0; i < n; i++) bySlot[slot[i]] = i;
  }
  const target = new Int32Array(n).fill(NO_BRANCH);
  for (let i = 0; i < n; i++) {
    const where = OP_BRANCH[op[i]];
    if (where === BRANCH_NONE) continue;
    const t = slot[i + 1] + (where === BRANCH_OFF ? off[i] : imm[i]);
    target[i] = !(t >= 0 && t < total) ? BRANCH_OUT_OF_RANGE : bySlot ? bySlot[t] : t;
  }
  return { target, slot };
}

/** The slot offset of instruction i's branch (jumps, gotol, local calls), undefined without one. */
export function packedBranchOffset(code: PackedInsns, i: number): number | undefined {
  const where = OP_BRANCH[code.op[i]];
  if (where === BRANCH_NONE) return undefined;
  return where === BRANCH_OFF ? code.off[i] : code.imm[i];
}
