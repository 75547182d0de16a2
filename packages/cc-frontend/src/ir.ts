/**
 * The intermediate representation: per function, basic blocks of three-address instructions
 * over virtual registers (numbers >= FIRST_VREG) and physical registers (0–10, used for the
 * calling convention). Not SSA: a variable kept in a register is one vreg assigned many times.
 */
import type { AluOp, AtomicOp, Insn, JmpOp, Size } from '@tbpf/isa';
import type { SourceLoc } from './diagnostics.js';
import type { Type } from './types.js';

export const FIRST_VREG = 16;
export const FP = 10;

/** An operand: a register, or a 32-bit immediate (sign-extended by 64-bit operations). */
export type Src = { reg: number; imm?: undefined } | { imm: number; reg?: undefined };

export type Width = 32 | 64;

/**
 * A CO-RE relocation (clang's BPF "preserve access index" records): the instruction's offset or
 * immediate is the local value of `kind` for `access` ("0:1:2") from `root`, and libbpf/the
 * loader rewrite it for the target kernel's types.
 */
export interface CoreRelo {
  /** Index of CORE_RELO_KINDS (0 field_byte_offset … 12 type_matches). */
  kind: number;
  /** The type the access string starts from (a struct, union, array, enum or any type). */
  root: Type;
  access: string;
}

/**
 * A memory operand: `base + off`, or a frame slot (`slot`, resolved after allocation) + off.
 * With `core`, `off` is a field's CO-RE-relocated offset from `base` and must stay as it is.
 */
export interface Mem {
  base: number;
  off: number;
  slot?: number;
  core?: CoreRelo;
}

export type IrInsn = (
  | { op: 'mov'; w: Width; d: number; s: Src }
  /** Any 64-bit constant (mov imm or lddw). */
  | { op: 'const'; d: number; v: bigint }
  /**
   * A constant the loader relocates (CO-RE): never folded. `wide` makes it an lddw (type ids
   * and enum values, as clang writes them); `typeId` asks the object writer to put the local
   * BTF id of `relo.root` in the immediate.
   */
  | { op: 'coreconst'; d: number; v: bigint; relo: CoreRelo; wide: boolean; typeId?: boolean }
  /** d = a op b */
  | { op: 'alu'; alu: AluOp; w: Width; d: number; a: number; b: Src }
  | { op: 'neg'; w: Width; d: number; a: number }
  /** d = sign-extend the low `bits` of a (to 64 bits, or to 32 when w is 32). */
  | { op: 'movsx'; w: Width; bits: 8 | 16 | 32; d: number; a: number }
  | { op: 'bswap'; bits: 16 | 32 | 64; d: number; a: number }
  /** `volatile`: a C volatile access, never merged with another. */
  | { op: 'ld'; size: Size; d: number; m: Mem; volatile?: boolean }
  | { op: 'st'; size: Size; m: Mem; s: Src; volatile?: boolean }
  /** d = the address of a frame slot plus off. */
  | { op: 'addr'; d: number; slot: number; off: number }
  /** d = &symbol + addend (a map or a global variable): lddw with a relocation. */
  | { op: 'sym'; d: number; symbol: string; kind: 'map' | 'data'; addend: number }
  /** Helper call: arguments already in r1..r(nargs), result in r0; clobbers r0–r5. */
  | { op: 'call'; helper: number; nargs: number }
  | { op: 'calllocal'; fn: string; nargs: number }
  /** Atomic read-modify-write; with `d` (fetch), d receives the old value. */
  | { op: 'atomic'; aop: AtomicOp; size: 4 | 8; m: Mem; s: number; d?: number }
  /** cmpxchg: compares with r0, old value to r0. */
  | { op: 'cmpxchg'; size: 4 | 8; m: Mem; s: number }
  /** d = (a cc b) ? 1 : 0 */
  | { op: 'setcc'; cc: JmpOp; w: Width; d: number; a: number; b: Src }
  /**
   * Inline assembly (inline-asm.ts): BPF instructions emitted as they are, whose register fields
   * hold vregs (the operands) or physical registers. Reads `reads` (never in a register it writes
   * or clobbers), writes `writes`, overwrites `clobbers`; a barrier for memory and optimisation.
   */
  | { op: 'asm'; insns: Insn[]; reads: number[]; writes: number[]; clobbers: number[] }
) & { loc?: SourceLoc };

export type Terminator =
  | { op: 'jmp'; t: Block }
  | { op: 'br'; cc: JmpOp; w: Width; a: number; b: Src; t: Block; f: Block }
  /** Return r0. */
  | { op: 'ret' }
  | { op: 'none' };

export interface Block {
  id: number;
  insns: IrInsn[];
  term: Terminator;
  loc?: SourceLoc;
}

export interface IrFunction {
  name: string;
  blocks: Block[];
  /** Frame slots: size and alignment of each (locals, then spills). */
  slots: { size: number; align: number }[];
  nextVreg: number;
  loc: SourceLoc;
}

/** Registers an instruction reads. */
export function uses(i: IrInsn): number[] {
  const src = (s: Src) => (s.reg !== undefined ? [s.reg] : []);
  const mem = (m: Mem) => (m.slot === undefined ? [m.base] : []);
  switch (i.op) {
    case 'mov':
      return src(i.s);
    case 'const':
    case 'coreconst':
    case 'addr':
    case 'sym':
      return [];
    case 'alu':
    case 'setcc':
      return [i.a, ...src(i.b)];
    case 'neg':
    case 'movsx':
    case 'bswap':
      return [i.a];
    case 'ld':
      return mem(i.m);
    case 'st':
      return [...mem(i.m), ...src(i.s)];
    case 'call':
    case 'calllocal':
      return [1, 2, 3, 4, 5].slice(0, i.nargs);
    case 'atomic':
      return [...mem(i.m), i.s];
    case 'cmpxchg':
      return [...mem(i.m), i.s, 0];
    case 'asm':
      return i.reads;
  }
}

/** Registers an instruction writes (calls clobber r0–r5). */
export function defs(i: IrInsn): number[] {
  switch (i.op) {
    case 'st':
      return [];
    case 'call':
    case 'calllocal':
      return [0, 1, 2, 3, 4, 5];
    case 'atomic':
      return i.d === undefined ? [] : [i.d];
    case 'cmpxchg':
      return [0];
    case 'asm':
      return [...i.writes, ...i.clobbers];
    default:
      return [i.d];
  }
}

export function termUses(t: Terminator): number[] {
  if (t.op === 'br') return t.b.reg !== undefined ? [t.a, t.b.reg] : [t.a];
  if (t.op === 'ret') return [0];
  return [];
}

export function successors(b: Block): Block[] {
  const t = b.term;
  if (t.op === 'jmp') return [t.t];
  if (t.op === 'br') return t.t === t.f ? [t.t] : [t.t, t.f];
  return [];
}

/** Each block's predecessors (a block once per edge kind, as successors() lists them). */
export function predecessors(fn: IrFunction): Map<Block, Block[]> {
  const preds = new Map<Block, Block[]>();
  for (const b of fn.blocks)
    for (const s of successors(b)) {
      const list = preds.get(s);
      if (list) list.push(b);
      else preds.set(s, [b]);
    }
  return preds;
}

/**
 * The blocks in reverse postorder from the entry (each block before its successors, loops
 * aside), then any unreachable ones: forward data-flow passes settle in one round on code
 * without loops in this order. Iterative (functions may have many thousands of blocks).
 */
export function reversePostorder(fn: IrFunction): Block[] {
  const order: Block[] = [];
  const seen = new Set<Block>([fn.blocks[0]]);
  const stack: { b: Block; next: Block[]; k: number }[] = [
    { b: fn.blocks[0], next: successors(fn.blocks[0]), k: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.k < top.next.length) {
      const s = top.next[top.k++];
      if (!seen.has(s)) {
        seen.add(s);
        stack.push({ b: s, next: successors(s), k: 0 });
      }
    } else {
      order.push(top.b);
      stack.pop();
    }
  }
  order.reverse();
  for (const b of fn.blocks) if (!seen.has(b)) order.push(b);
  return order;
}

/** Rewrites every register an instruction mentions. */
export function mapRegs(i: IrInsn, useMap: (r: number) => number, defMap: (r: number) => number): IrInsn {
  const src = (s: Src): Src => (s.reg !== undefined ? { reg: useMap(s.reg) } : s);
  const mem = (m: Mem): Mem => (m.slot === undefined ? { ...m, base: useMap(m.base) } : m);
  switch (i.op) {
    case 'mov':
      return { ...i, d: defMap(i.d), s: src(i.s) };
    case 'const':
    case 'coreconst':
    case 'addr':
    case 'sym':
      return { ...i, d: defMap(i.d) };
    case 'alu':
    case 'setcc':
      return { ...i, d: defMap(i.d), a: useMap(i.a), b: src(i.b) };
    case 'neg':
    case 'movsx':
    case 'bswap':
      return { ...i, d: defMap(i.d), a: useMap(i.a) };
    case 'ld':
      return { ...i, d: defMap(i.d), m: mem(i.m) };
    case 'st':
      return { ...i, m: mem(i.m), s: src(i.s) };
    case 'call':
    case 'calllocal':
      return i;
    case 'atomic':
      return { ...i, m: mem(i.m), s: useMap(i.s), d: i.d === undefined ? undefined : defMap(i.d) };
    case 'cmpxchg':
      return { ...i, m: mem(i.m), s: useMap(i.s) };
    case 'asm': {
      // An operand both read and written keeps one register (written wins if the maps differ).
      const writes = new Set(i.writes);
      const reg = (r: number) => (writes.has(r) ? defMap(r) : useMap(r));
      return {
        ...i,
        insns: i.insns.map((x) => mapInsnRegs(x, reg)),
        reads: i.reads.map(reg),
        writes: i.writes.map(defMap),
      };
    }
  }
}

/** The instruction with every register field passed through `f` (fields that hold registers only). */
export function mapInsnRegs(insn: Insn, f: (r: number) => number): Insn {
  switch (insn.kind) {
    case 'alu':
    case 'jmp':
      return { ...insn, dst: f(insn.dst), src: insn.source === 'reg' ? f(insn.src) : insn.src };
    case 'ldx':
    case 'stx':
    case 'atomic':
      return { ...insn, dst: f(insn.dst), src: f(insn.src) };
    case 'end':
    case 'lddw':
    case 'st':
      return { ...insn, dst: f(insn.dst) };
    case 'ldind':
      return { ...insn, src: f(insn.src) };
    case 'callx':
      return { ...insn, reg: f(insn.reg) };
    default:
      return insn;
  }
}
