/**
 * Lowering of straight-line BPF instructions (ALU, byte order, loads, stores, atomics, lddw) to
 * WebAssembly over i64 register locals, with RFC 9669's exact semantics:
 * - 32-bit ALU results are zero-extended into the 64-bit register;
 * - shift counts are masked (WebAssembly masks them the same way: mod 32 / mod 64);
 * - division and modulo never trap: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN (as -x),
 *   INT_MIN % -1 = 0 (WebAssembly's rem_s already gives 0 there);
 * - a BPF address's low 32 bits are the wasm address. An access is `load/store offset=GUARD
 *   (i32.wrap(reg) + off − GUARD)` with GUARD = vm's NULL_GUARD: the i32 add wraps like every
 *   engine's address arithmetic, and an offset inside the guard wraps to ~4 GiB, which with the
 *   memarg's GUARD (added without wrapping) is out of bounds — so the NULL guard traps, and the
 *   access faults exactly where vm's sandbox rule says, for one i32.add per access.
 * Atomics are a plain load/op/store: a JavaScript host runs one program at a time on one thread,
 * so no other agent can observe the memory between the load and the store.
 */
import {
  ALU_OP,
  ATOMIC_OP,
  END_OP,
  JMP_OP,
  KIND_LDIND,
  OP_FLAG,
  OP_KIND,
  OP_REG,
  OP_SIZE,
  OP_SUB,
  OP_WIDE,
  type PackedInsns,
} from '@tbpf/isa';
import { NULL_GUARD } from '@tbpf/vm';
import { type Code, I32, I64 } from '../wasm/code.js';
import { writeI32, writeI64, writeU32 } from '../wasm/leb128.js';
import { Op, type ValType } from '../wasm/opcodes.js';

/** Local indices of the registers and temporaries of one BPF function. */
export interface Locals {
  /**
   * reg[n] = local index of rn. Every local index of a BPF function is below 128 (eleven
   * registers and a few temporaries), so the common lowerings below write each as one byte.
   */
  reg: readonly number[];
  t64: number;
  a32: number;
  t32: number;
}

/**
 * Room for the longest sequence the common lowerings write directly into the code buffer (an
 * 8-byte load as two halves: 28 bytes).
 */
const ROOM = 40;

/** A table indexed by an operation's number (isa's ALU_OP, JMP_OP…); 0 = no entry. */
function bySub<K extends string>(
  numbers: Readonly<Record<K, number>>,
  entries: Partial<Record<K, number>>,
): Uint8Array {
  const t = new Uint8Array(Object.keys(numbers).length);
  for (const name in entries) t[numbers[name]] = entries[name] as number;
  return t;
}

/** The ALU operations that are one WebAssembly instruction (the rest: `lowerAluOther`). */
const ALU64 = bySub(ALU_OP, {
  add: Op.i64Add,
  sub: Op.i64Sub,
  mul: Op.i64Mul,
  or: Op.i64Or,
  and: Op.i64And,
  xor: Op.i64Xor,
  lsh: Op.i64Shl,
  rsh: Op.i64ShrU,
  arsh: Op.i64ShrS,
});

const ALU32 = bySub(ALU_OP, {
  add: Op.i32Add,
  sub: Op.i32Sub,
  mul: Op.i32Mul,
  or: Op.i32Or,
  and: Op.i32And,
  xor: Op.i32Xor,
  lsh: Op.i32Shl,
  rsh: Op.i32ShrU,
  arsh: Op.i32ShrS,
});

/**
 * An ALU instruction: dst = dst op operand, 32-bit results zero-extended. `mov` and the
 * operations that are one WebAssembly instruction are written directly (most of any program).
 */
export function lowerAlu(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const op = code.op[i];
  const sub = OP_SUB[op];
  const wide = OP_WIDE[op] === 1;
  const simple = wide ? ALU64[sub] : ALU32[sub];
  if (simple === 0 && sub !== ALU_OP.mov) {
    lowerAluOther(c, l, code, i);
    return;
  }
  const dst = l.reg[code.dst[i]];
  const w = c.bytes;
  w.ensure(ROOM);
  const b = w.buf;
  let p = w.length;
  if (simple !== 0) {
    b[p++] = Op.localGet;
    b[p++] = dst;
    if (!wide) b[p++] = Op.i32WrapI64;
  }
  if (OP_REG[op] === 1) {
    b[p++] = Op.localGet;
    b[p++] = l.reg[code.src[i]];
    if (!wide) {
      if (simple !== 0) b[p++] = Op.i32WrapI64;
      else {
        // mov32 from a register: the low half, zero-extended.
        b[p++] = Op.i64Const;
        p = writeI64(b, p, -1, 0);
        b[p++] = Op.i64And;
      }
    }
  } else if (wide) {
    b[p++] = Op.i64Const;
    p = writeI32(b, p, code.imm[i]); // sign-extended
  } else if (simple !== 0) {
    b[p++] = Op.i32Const;
    p = writeI32(b, p, code.imm[i]);
  } else {
    b[p++] = Op.i64Const; // mov32 of an immediate: zero-extended
    p = writeI64(b, p, code.imm[i], 0);
  }
  if (simple !== 0) {
    b[p++] = simple;
    if (!wide) b[p++] = Op.i64ExtendI32U;
  }
  b[p++] = Op.localSet;
  b[p++] = dst;
  w.length = p;
}

/**
 * What differs between the 64- and 32-bit forms of the ALU operations below: the 32-bit ones
 * work on the registers' low halves (i32) and zero-extend the result.
 */
interface AluWidth {
  type: ValType;
  constant(c: Code, k: number): void;
  sub: number;
  eqz: number;
  eq: number;
  divU: number;
  remU: number;
  divS: number;
  remS: number;
  /** movsx8, movsx16, movsx32 (the last 64-bit only). */
  extend: readonly number[];
}

const ALU_WIDTH_64: AluWidth = {
  type: I64,
  constant: (c, k) => c.i64Const(k),
  sub: Op.i64Sub,
  eqz: Op.i64Eqz,
  eq: Op.i64Eq,
  divU: Op.i64DivU,
  remU: Op.i64RemU,
  divS: Op.i64DivS,
  remS: Op.i64RemS,
  extend: [Op.i64Extend8S, Op.i64Extend16S, Op.i64Extend32S],
};

const ALU_WIDTH_32: AluWidth = {
  type: I32,
  constant: (c, k) => c.i32Const(k),
  sub: Op.i32Sub,
  eqz: Op.i32Eqz,
  eq: Op.i32Eq,
  divU: Op.i32DivU,
  remU: Op.i32RemU,
  divS: Op.i32DivS,
  remS: Op.i32RemS,
  extend: [Op.i32Extend8S, Op.i32Extend16S],
};

/** The ALU operations of more than one WebAssembly instruction: neg, div, mod, movsx. */
function lowerAluOther(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const op = code.op[i];
  const wide = OP_WIDE[op] === 1;
  const w = wide ? ALU_WIDTH_64 : ALU_WIDTH_32;
  const sub = OP_SUB[op];
  const imm = OP_REG[op] === 0;
  const k = code.imm[i];
  const dst = l.reg[code.dst[i]];
  const src = l.reg[code.src[i]];
  const dstValue = (): void => {
    c.localGet(dst);
    if (!wide) c.op(Op.i32WrapI64);
  };
  /** The source's value, kept for `srcAgain` (32-bit: its low half, in t32). */
  const srcFirst = (): void => {
    c.localGet(src);
    if (!wide) c.op(Op.i32WrapI64).localTee(l.t32);
  };
  const srcAgain = (): void => {
    c.localGet(wide ? src : l.t32);
  };
  /** What division by zero gives: 0, and what modulo by zero gives: dst. */
  const byZero = (div: boolean): void => {
    if (div) w.constant(c, 0);
    else dstValue();
  };
  switch (sub) {
    case ALU_OP.neg:
      w.constant(c, 0);
      dstValue();
      c.op(w.sub);
      break;
    case ALU_OP.movsx8:
    case ALU_OP.movsx16:
    case ALU_OP.movsx32:
      c.localGet(src);
      if (!wide) c.op(Op.i32WrapI64);
      c.op(w.extend[sub - ALU_OP.movsx8]);
      break;
    case ALU_OP.div:
    case ALU_OP.mod: {
      const div = sub === ALU_OP.div;
      const opcode = div ? w.divU : w.remU;
      if (imm && k !== 0) {
        dstValue();
        w.constant(c, k);
        c.op(opcode);
      } else if (imm) {
        byZero(div);
      } else {
        // src == 0 ? (div: 0, mod: dst) : dst op src
        srcFirst();
        c.op(w.eqz).open(Op.if, w.type);
        byZero(div);
        c.op(Op.else);
        dstValue();
        srcAgain();
        c.op(opcode).end();
      }
      break;
    }
    case ALU_OP.sdiv:
    case ALU_OP.smod: {
      const div = sub === ALU_OP.sdiv;
      if (imm) {
        if (k === 0) {
          byZero(div);
        } else if (k === -1) {
          w.constant(c, 0);
          if (div) {
            dstValue();
            c.op(w.sub);
          }
        } else {
          dstValue();
          w.constant(c, k);
          c.op(div ? w.divS : w.remS);
        }
        break;
      }
      srcFirst();
      c.op(w.eqz).open(Op.if, w.type);
      byZero(div);
      c.op(Op.else);
      if (div) {
        // INT_MIN / -1 traps in WebAssembly; -x gives RFC 9669's wrapped result.
        srcAgain();
        w.constant(c, -1);
        c.op(w.eq).open(Op.if, w.type);
        w.constant(c, 0);
        dstValue();
        c.op(w.sub).op(Op.else);
        dstValue();
        srcAgain();
        c.op(w.divS).end();
      } else {
        dstValue();
        srcAgain();
        c.op(w.remS);
      }
      c.end();
      break;
    }
    default:
      throw new Error(`unhandled alu${wide ? 64 : 32} op ${sub}`);
  }
  if (!wide) c.op(Op.i64ExtendI32U);
  c.localSet(dst);
}

/** Byte order: on a little-endian machine `le` truncates and `be`/`bswap` reverse the bytes. */
export function lowerEnd(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const dst = l.reg[code.dst[i]];
  const swap = OP_SUB[code.op[i]] !== END_OP.le;
  const bits = OP_SIZE[code.op[i]] * 8;
  if (bits === 64 && !swap) return;
  c.localGet(dst);
  if (bits === 64) {
    c.localSet(l.t64);
    // Swap adjacent bytes, then adjacent 16-bit halves, then the two 32-bit halves.
    c.localGet(l.t64).i64Const(8).op(Op.i64ShrU).i64Const(0x00ff00ff, 0x00ff00ff).op(Op.i64And);
    c.localGet(l.t64).i64Const(0x00ff00ff, 0x00ff00ff).op(Op.i64And).i64Const(8).op(Op.i64Shl);
    c.op(Op.i64Or).localSet(l.t64);
    c.localGet(l.t64).i64Const(16).op(Op.i64ShrU).i64Const(0x0000ffff, 0x0000ffff).op(Op.i64And);
    c.localGet(l.t64).i64Const(0x0000ffff, 0x0000ffff).op(Op.i64And).i64Const(16).op(Op.i64Shl);
    c.op(Op.i64Or).i64Const(32).op(Op.i64Rotl);
  } else if (bits === 32) {
    c.op(Op.i32WrapI64);
    if (swap) {
      c.localSet(l.t32);
      c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(0x00ff00ff).op(Op.i32And);
      c.localGet(l.t32).i32Const(0x00ff00ff).op(Op.i32And).i32Const(8).op(Op.i32Shl);
      c.op(Op.i32Or).i32Const(16).op(Op.i32Rotl);
    }
    c.op(Op.i64ExtendI32U);
  } else {
    c.op(Op.i32WrapI64);
    if (swap) {
      c.localSet(l.t32);
      c.localGet(l.t32).i32Const(8).op(Op.i32Shl).i32Const(0xff00).op(Op.i32And);
      c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(0xff).op(Op.i32And);
      c.op(Op.i32Or);
    } else {
      c.i32Const(0xffff).op(Op.i32And);
    }
    c.op(Op.i64ExtendI32U);
  }
  c.localSet(dst);
}

/** Comparisons by jump operation; jset (a test, not a comparison) has none. */
const JMP64 = bySub(JMP_OP, {
  jeq: Op.i64Eq,
  jne: Op.i64Ne,
  jgt: Op.i64GtU,
  jge: Op.i64GeU,
  jlt: Op.i64LtU,
  jle: Op.i64LeU,
  jsgt: Op.i64GtS,
  jsge: Op.i64GeS,
  jslt: Op.i64LtS,
  jsle: Op.i64LeS,
});

const JMP32 = bySub(JMP_OP, {
  jeq: Op.i32Eq,
  jne: Op.i32Ne,
  jgt: Op.i32GtU,
  jge: Op.i32GeU,
  jlt: Op.i32LtU,
  jle: Op.i32LeU,
  jsgt: Op.i32GtS,
  jsge: Op.i32GeS,
  jslt: Op.i32LtS,
  jsle: Op.i32LeS,
});

/** Push the branch condition of a conditional jump as an i32 (non-zero = taken). */
export function lowerCondition(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const op = code.op[i];
  const wide = OP_WIDE[op] === 1;
  const jset = OP_SUB[op] === JMP_OP.jset;
  const w = c.bytes;
  w.ensure(ROOM);
  const b = w.buf;
  let p = w.length;
  b[p++] = Op.localGet;
  b[p++] = l.reg[code.dst[i]];
  if (!wide) b[p++] = Op.i32WrapI64;
  if (OP_REG[op] === 1) {
    b[p++] = Op.localGet;
    b[p++] = l.reg[code.src[i]];
    if (!wide) b[p++] = Op.i32WrapI64;
  } else {
    b[p++] = wide ? Op.i64Const : Op.i32Const; // a 64-bit operand's imm is sign-extended
    p = writeI32(b, p, code.imm[i]);
  }
  if (!jset) b[p++] = (wide ? JMP64 : JMP32)[OP_SUB[op]];
  else if (!wide) b[p++] = Op.i32And;
  else {
    b[p++] = Op.i64And;
    b[p++] = Op.i64Eqz;
    b[p++] = Op.i32Eqz;
  }
  w.length = p;
}

/**
 * Write the i32 `reg + off − GUARD` (wrapping): the address of an access whose memarg offset is
 * GUARD (see the file comment).
 */
function address(b: Uint8Array, p: number, local: number, off: number): number {
  b[p] = Op.localGet;
  b[p + 1] = local;
  b[p + 2] = Op.i32WrapI64;
  b[p + 3] = Op.i32Const;
  p = writeI32(b, p + 4, off - NULL_GUARD);
  b[p] = Op.i32Add;
  return p + 1;
}

/** Write a load or store opcode with its memarg: alignment hint (log2 of the size) and GUARD + `extra`. */
function access(b: Uint8Array, p: number, opcode: number, size: number, extra: number): number {
  b[p] = opcode;
  b[p + 1] = ALIGN[size];
  return writeU32(b, p + 2, NULL_GUARD + extra);
}

/** By access size (1, 2, 4, 8): log2 of the size, and the i64 loads and stores. */
const ALIGN = Uint8Array.of(0, 0, 1, 0, 2, 0, 0, 0, 3);
const LOAD_U = Uint8Array.of(0, Op.i64Load8U, Op.i64Load16U, 0, Op.i64Load32U, 0, 0, 0, Op.i64Load);
const LOAD_S = Uint8Array.of(0, Op.i64Load8S, Op.i64Load16S, 0, Op.i64Load32S);
const STORE = Uint8Array.of(0, Op.i64Store8, Op.i64Store16, 0, Op.i64Store32, 0, 0, 0, Op.i64Store);

/**
 * `halves`: an 8-byte load as two 4-byte loads. A JavaScript host writes a 64-bit field (a
 * context's register, a map value) as two 32-bit stores, and a 64-bit load of both waits for
 * them to reach the cache (x86 forwards a load from one store only): about 5 ns on the RFC's
 * filter, whose first load reads the context the host wrote just before the run. Two loads
 * are each forwarded. Function.ts asks for halves outside loops, where a load runs once.
 */
export function lowerLdx(c: Code, l: Locals, code: PackedInsns, i: number, halves: boolean): void {
  const op = code.op[i];
  const size = OP_SIZE[op];
  const w = c.bytes;
  w.ensure(ROOM);
  const b = w.buf;
  let p = address(b, w.length, l.reg[code.src[i]], code.off[i]);
  if (size === 8 && halves) {
    b[p++] = Op.localTee;
    b[p++] = l.a32;
    p = access(b, p, Op.i64Load32U, 4, 0);
    b[p++] = Op.localGet;
    b[p++] = l.a32;
    p = access(b, p, Op.i64Load32U, 4, 4);
    b[p++] = Op.i64Const;
    b[p++] = 32;
    b[p++] = Op.i64Shl;
    b[p++] = Op.i64Or;
  } else {
    p = access(b, p, (OP_FLAG[op] === 1 ? LOAD_S : LOAD_U)[size], size, 0);
  }
  b[p++] = Op.localSet;
  b[p++] = l.reg[code.dst[i]];
  w.length = p;
}

export function lowerSt(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const size = OP_SIZE[code.op[i]];
  const w = c.bytes;
  w.ensure(ROOM);
  const b = w.buf;
  let p = address(b, w.length, l.reg[code.dst[i]], code.off[i]);
  b[p++] = Op.i64Const;
  p = writeI32(b, p, code.imm[i]);
  w.length = access(b, p, STORE[size], size, 0);
}

export function lowerStx(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const size = OP_SIZE[code.op[i]];
  const w = c.bytes;
  w.ensure(ROOM);
  const b = w.buf;
  let p = address(b, w.length, l.reg[code.dst[i]], code.off[i]);
  b[p++] = Op.localGet;
  b[p++] = l.reg[code.src[i]];
  w.length = access(b, p, STORE[size], size, 0);
}

/**
 * Zero `bytes` of stack below local `fp` + `off` on entering a function (vm's ZeroedStack): 8-byte
 * stores of 0 at fp + off - 8, - 16, …, in that order, each trapping like any store.
 */
export function lowerZeroStack(c: Code, fp: number, off: number, bytes: number): void {
  const w = c.bytes;
  for (let k = 8; k <= bytes; k += 8) {
    w.ensure(ROOM);
    const b = w.buf;
    let p = address(b, w.length, fp, off - k);
    b[p++] = Op.i64Const;
    b[p++] = 0;
    w.length = access(b, p, Op.i64Store, 8, 0);
  }
}

const RMW64 = bySub(ATOMIC_OP, { add: Op.i64Add, or: Op.i64Or, and: Op.i64And, xor: Op.i64Xor });
const RMW32 = bySub(ATOMIC_OP, { add: Op.i32Add, or: Op.i32Or, and: Op.i32And, xor: Op.i32Xor });

export function lowerAtomic(c: Code, l: Locals, code: PackedInsns, i: number): void {
  const op = code.op[i];
  const a = l.a32;
  const src = l.reg[code.src[i]];
  const r0 = l.reg[0];
  const wide = OP_WIDE[op] === 1;
  const load = wide ? Op.i64Load : Op.i32Load;
  const store = wide ? Op.i64Store : Op.i32Store;
  const align = wide ? 3 : 2;
  // `old` holds the previous memory value: t64 (64-bit) or t32 (32-bit).
  const old = wide ? l.t64 : l.t32;
  const value = (): void => {
    c.localGet(src);
    if (!wide) c.op(Op.i32WrapI64);
  };
  const widen = (): void => {
    if (!wide) c.op(Op.i64ExtendI32U);
  };
  const w = c.bytes;
  w.ensure(ROOM);
  w.length = address(w.buf, w.length, l.reg[code.dst[i]], code.off[i]);
  const at = NULL_GUARD; // every load and store below uses memarg GUARD
  c.localSet(a);
  const sub = OP_SUB[op];
  switch (sub) {
    case ATOMIC_OP.xchg:
      c.localGet(a).mem(load, align, at).localSet(old);
      c.localGet(a);
      value();
      c.mem(store, align, at);
      c.localGet(old);
      widen();
      c.localSet(src);
      return;
    case ATOMIC_OP.cmpxchg:
      c.localGet(a).mem(load, align, at).localTee(old);
      c.localGet(r0);
      if (!wide) c.op(Op.i32WrapI64);
      c.op(wide ? Op.i64Eq : Op.i32Eq).open(Op.if);
      c.localGet(a);
      value();
      c.mem(store, align, at).end();
      c.localGet(old);
      widen();
      c.localSet(r0);
      return;
    default: {
      const fetch = OP_FLAG[op] === 1;
      c.localGet(a).localGet(a).mem(load, align, at);
      if (fetch) c.localTee(old);
      value();
      c.op((wide ? RMW64 : RMW32)[sub]);
      c.mem(store, align, at);
      if (fetch) {
        c.localGet(old);
        widen();
        c.localSet(src);
      }
    }
  }
}

/** `lddw` of a 64-bit constant `hi:lo` (pseudo sources are resolved by the loader before compiling). */
export function lowerLddw(c: Code, l: Locals, dst: number, lo: number, hi: number): void {
  c.i64Const(lo, hi).localSet(l.reg[dst]);
}

/**
 * Legacy packet loads: r0 = big-endian *(size *)(packet + k), k = imm (+ (u32)src for ldind).
 * The packet is the run's initial r1/r2 (kept in globals); k outside it ends the program with
 * r0 = 0 (`outside` emits that).
 */
export function lowerPacketLoad(
  c: Code,
  l: Locals,
  code: PackedInsns,
  i: number,
  packet: { off: number; len: number },
  outside: () => void,
): void {
  const k = l.t64;
  const size = OP_SIZE[code.op[i]];
  c.i64Const(code.imm[i]);
  if (OP_KIND[code.op[i]] === KIND_LDIND)
    c.localGet(l.reg[code.src[i]]).i64Const(-1, 0).op(Op.i64And).op(Op.i64Add);
  c.localTee(k).i64Const(0).op(Op.i64LtS);
  c.localGet(k).i64Const(size).op(Op.i64Add).globalGet(packet.len).op(Op.i64GtU);
  c.op(Op.i32Or).open(Op.if);
  outside();
  c.end();
  c.globalGet(packet.off).localGet(k).op(Op.i32WrapI64).op(Op.i32Add);
  if (size === 1) {
    c.mem(Op.i32Load8U, 0);
  } else if (size === 2) {
    c.mem(Op.i32Load16U, 1).localSet(l.t32);
    c.localGet(l.t32).i32Const(8).op(Op.i32Shl).i32Const(0xff00).op(Op.i32And);
    c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).op(Op.i32Or);
  } else {
    c.mem(Op.i32Load, 2).localSet(l.t32);
    c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(0x00ff00ff).op(Op.i32And);
    c.localGet(l.t32).i32Const(0x00ff00ff).op(Op.i32And).i32Const(8).op(Op.i32Shl);
    c.op(Op.i32Or).i32Const(16).op(Op.i32Rotl);
  }
  c.op(Op.i64ExtendI32U).localSet(l.reg[0]);
}
