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
import type {
  AluInsn,
  AtomicInsn,
  EndInsn,
  JmpInsn,
  LdAbsInsn,
  LdIndInsn,
  LdxInsn,
  StInsn,
  StxInsn,
} from '@tbpf/isa';
import { NULL_GUARD } from '@tbpf/vm';
import { type Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';

/** Local indices of the registers and temporaries of one BPF function. */
export interface Locals {
  /** reg[n] = local index of rn. */
  reg: readonly number[];
  t64: number;
  a32: number;
  t32: number;
}

const ALU64: Partial<Record<AluInsn['op'], number>> = {
  add: Op.i64Add,
  sub: Op.i64Sub,
  mul: Op.i64Mul,
  or: Op.i64Or,
  and: Op.i64And,
  xor: Op.i64Xor,
  lsh: Op.i64Shl,
  rsh: Op.i64ShrU,
  arsh: Op.i64ShrS,
};

const ALU32: Partial<Record<AluInsn['op'], number>> = {
  add: Op.i32Add,
  sub: Op.i32Sub,
  mul: Op.i32Mul,
  or: Op.i32Or,
  and: Op.i32And,
  xor: Op.i32Xor,
  lsh: Op.i32Shl,
  rsh: Op.i32ShrU,
  arsh: Op.i32ShrS,
};

/** Push the second operand of a 64-bit operation (imm is sign-extended). */
function operand64(c: Code, l: Locals, insn: AluInsn | JmpInsn): void {
  if (insn.source === 'reg') c.localGet(l.reg[insn.src]);
  else c.i64Const(insn.imm);
}

/** Push the second operand of a 32-bit operation. */
function operand32(c: Code, l: Locals, insn: AluInsn | JmpInsn): void {
  if (insn.source === 'reg') c.localGet(l.reg[insn.src]).op(Op.i32WrapI64);
  else c.i32Const(insn.imm);
}

export function lowerAlu(c: Code, l: Locals, insn: AluInsn): void {
  const dst = l.reg[insn.dst];
  if (insn.width === 64) lowerAlu64(c, l, insn, dst);
  else lowerAlu32(c, l, insn, dst);
  c.localSet(dst);
}

function lowerAlu64(c: Code, l: Locals, insn: AluInsn, dst: number): void {
  const simple = ALU64[insn.op];
  if (simple !== undefined) {
    c.localGet(dst);
    operand64(c, l, insn);
    c.op(simple);
    return;
  }
  const imm = insn.source === 'imm';
  switch (insn.op) {
    case 'mov':
      operand64(c, l, insn);
      return;
    case 'neg':
      c.i64Const(0).localGet(dst).op(Op.i64Sub);
      return;
    case 'movsx8':
    case 'movsx16':
    case 'movsx32':
      c.localGet(l.reg[insn.src]);
      c.op(insn.op === 'movsx8' ? Op.i64Extend8S : insn.op === 'movsx16' ? Op.i64Extend16S : Op.i64Extend32S);
      return;
    case 'div':
    case 'mod': {
      const opcode = insn.op === 'div' ? Op.i64DivU : Op.i64RemU;
      if (imm && insn.imm !== 0) {
        c.localGet(dst).i64Const(insn.imm).op(opcode);
      } else if (imm) {
        if (insn.op === 'div') c.i64Const(0);
        else c.localGet(dst);
      } else {
        // src == 0 ? (div: 0, mod: dst) : dst op src
        const src = l.reg[insn.src];
        c.localGet(src).op(Op.i64Eqz).open(Op.if, I64);
        if (insn.op === 'div') c.i64Const(0);
        else c.localGet(dst);
        c.op(Op.else).localGet(dst).localGet(src).op(opcode).end();
      }
      return;
    }
    case 'sdiv':
    case 'smod': {
      const div = insn.op === 'sdiv';
      if (imm) {
        if (insn.imm === 0) {
          if (div) c.i64Const(0);
          else c.localGet(dst);
        } else if (insn.imm === -1) {
          if (div) c.i64Const(0).localGet(dst).op(Op.i64Sub);
          else c.i64Const(0);
        } else {
          c.localGet(dst)
            .i64Const(insn.imm)
            .op(div ? Op.i64DivS : Op.i64RemS);
        }
        return;
      }
      const src = l.reg[insn.src];
      c.localGet(src).op(Op.i64Eqz).open(Op.if, I64);
      if (div) c.i64Const(0);
      else c.localGet(dst);
      c.op(Op.else);
      if (div) {
        // INT_MIN / -1 traps in WebAssembly; -x gives RFC 9669's wrapped result.
        c.localGet(src).i64Const(-1).op(Op.i64Eq).open(Op.if, I64);
        c.i64Const(0).localGet(dst).op(Op.i64Sub);
        c.op(Op.else).localGet(dst).localGet(src).op(Op.i64DivS).end();
      } else {
        c.localGet(dst).localGet(src).op(Op.i64RemS);
      }
      c.end();
      return;
    }
    default:
      throw new Error(`unhandled alu64 op ${insn.op}`);
  }
}

function lowerAlu32(c: Code, l: Locals, insn: AluInsn, dst: number): void {
  const simple = ALU32[insn.op];
  const imm = insn.source === 'imm';
  if (simple !== undefined) {
    c.localGet(dst).op(Op.i32WrapI64);
    operand32(c, l, insn);
    c.op(simple);
  } else {
    switch (insn.op) {
      case 'mov':
        if (imm) {
          c.i64Const(insn.imm, 0);
          return;
        }
        c.localGet(l.reg[insn.src]).i64Const(-1, 0).op(Op.i64And);
        return;
      case 'neg':
        c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
        break;
      case 'movsx8':
      case 'movsx16':
        c.localGet(l.reg[insn.src]).op(Op.i32WrapI64);
        c.op(insn.op === 'movsx8' ? Op.i32Extend8S : Op.i32Extend16S);
        break;
      case 'div':
      case 'mod': {
        const opcode = insn.op === 'div' ? Op.i32DivU : Op.i32RemU;
        if (imm && insn.imm !== 0) {
          c.localGet(dst).op(Op.i32WrapI64).i32Const(insn.imm).op(opcode);
        } else if (imm) {
          if (insn.op === 'div') c.i32Const(0);
          else c.localGet(dst).op(Op.i32WrapI64);
        } else {
          c.localGet(l.reg[insn.src]).op(Op.i32WrapI64).localTee(l.t32).op(Op.i32Eqz).open(Op.if, I32);
          if (insn.op === 'div') c.i32Const(0);
          else c.localGet(dst).op(Op.i32WrapI64);
          c.op(Op.else).localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(opcode).end();
        }
        break;
      }
      case 'sdiv':
      case 'smod': {
        const div = insn.op === 'sdiv';
        if (imm) {
          if (insn.imm === 0) {
            if (div) c.i32Const(0);
            else c.localGet(dst).op(Op.i32WrapI64);
          } else if (insn.imm === -1) {
            if (div) c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
            else c.i32Const(0);
          } else {
            c.localGet(dst)
              .op(Op.i32WrapI64)
              .i32Const(insn.imm)
              .op(div ? Op.i32DivS : Op.i32RemS);
          }
          break;
        }
        c.localGet(l.reg[insn.src]).op(Op.i32WrapI64).localTee(l.t32).op(Op.i32Eqz).open(Op.if, I32);
        if (div) c.i32Const(0);
        else c.localGet(dst).op(Op.i32WrapI64);
        c.op(Op.else);
        if (div) {
          c.localGet(l.t32).i32Const(-1).op(Op.i32Eq).open(Op.if, I32);
          c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
          c.op(Op.else).localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(Op.i32DivS).end();
        } else {
          c.localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(Op.i32RemS);
        }
        c.end();
        break;
      }
      default:
        throw new Error(`unhandled alu32 op ${insn.op}`);
    }
  }
  c.op(Op.i64ExtendI32U);
}

/** Byte order: on a little-endian machine `le` truncates and `be`/`bswap` reverse the bytes. */
export function lowerEnd(c: Code, l: Locals, insn: EndInsn): void {
  const dst = l.reg[insn.dst];
  const swap = insn.op !== 'le';
  if (insn.bits === 64 && !swap) return;
  c.localGet(dst);
  if (insn.bits === 64) {
    c.localSet(l.t64);
    // Swap adjacent bytes, then adjacent 16-bit halves, then the two 32-bit halves.
    c.localGet(l.t64).i64Const(8).op(Op.i64ShrU).i64Const(0x00ff00ff, 0x00ff00ff).op(Op.i64And);
    c.localGet(l.t64).i64Const(0x00ff00ff, 0x00ff00ff).op(Op.i64And).i64Const(8).op(Op.i64Shl);
    c.op(Op.i64Or).localSet(l.t64);
    c.localGet(l.t64).i64Const(16).op(Op.i64ShrU).i64Const(0x0000ffff, 0x0000ffff).op(Op.i64And);
    c.localGet(l.t64).i64Const(0x0000ffff, 0x0000ffff).op(Op.i64And).i64Const(16).op(Op.i64Shl);
    c.op(Op.i64Or).i64Const(32).op(Op.i64Rotl);
  } else if (insn.bits === 32) {
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

const JMP64: Record<Exclude<JmpInsn['op'], 'jset'>, number> = {
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
};

const JMP32: Record<Exclude<JmpInsn['op'], 'jset'>, number> = {
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
};

/** Push the branch condition of a conditional jump as an i32 (non-zero = taken). */
export function lowerCondition(c: Code, l: Locals, insn: JmpInsn): void {
  c.localGet(l.reg[insn.dst]);
  if (insn.width === 64) {
    operand64(c, l, insn);
    if (insn.op === 'jset') c.op(Op.i64And).op(Op.i64Eqz).op(Op.i32Eqz);
    else c.op(JMP64[insn.op]);
  } else {
    c.op(Op.i32WrapI64);
    operand32(c, l, insn);
    c.op(insn.op === 'jset' ? Op.i32And : JMP32[insn.op]);
  }
}

/** Push the i32 `reg + off − GUARD` (wrapping); returns the memarg offset to use: GUARD. */
function address(c: Code, l: Locals, reg: number, off: number): number {
  c.localGet(l.reg[reg]).op(Op.i32WrapI64);
  c.i32Const(off - NULL_GUARD).op(Op.i32Add);
  return NULL_GUARD;
}

const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };
const LOAD_U: Record<number, number> = { 1: Op.i64Load8U, 2: Op.i64Load16U, 4: Op.i64Load32U, 8: Op.i64Load };
const LOAD_S: Record<number, number> = { 1: Op.i64Load8S, 2: Op.i64Load16S, 4: Op.i64Load32S };
const STORE: Record<number, number> = { 1: Op.i64Store8, 2: Op.i64Store16, 4: Op.i64Store32, 8: Op.i64Store };

/**
 * `halves`: an 8-byte load as two 4-byte loads. A JavaScript host writes a 64-bit field (a
 * context's register, a map value) as two 32-bit stores, and a 64-bit load of both waits for
 * them to reach the cache (x86 forwards a load from one store only): about 5 ns on the RFC's
 * filter, whose first load reads the context the host wrote just before the run. Two loads
 * are each forwarded. Function.ts asks for halves outside loops, where a load runs once.
 */
export function lowerLdx(c: Code, l: Locals, insn: LdxInsn, halves: boolean): void {
  const offset = address(c, l, insn.src, insn.off);
  if (insn.size === 8 && halves) {
    c.localTee(l.a32).mem(Op.i64Load32U, 2, offset);
    c.localGet(l.a32).mem(Op.i64Load32U, 2, offset + 4);
    c.i64Const(32).op(Op.i64Shl).op(Op.i64Or);
  } else {
    c.mem((insn.signed ? LOAD_S : LOAD_U)[insn.size], ALIGN[insn.size], offset);
  }
  c.localSet(l.reg[insn.dst]);
}

export function lowerSt(c: Code, l: Locals, insn: StInsn): void {
  const offset = address(c, l, insn.dst, insn.off);
  c.i64Const(insn.imm);
  c.mem(STORE[insn.size], ALIGN[insn.size], offset);
}

/**
 * Zero `bytes` of stack below local `fp` + `off` on entering a function (vm's ZeroedStack): 8-byte
 * stores of 0 at fp + off - 8, - 16, …, in that order, each trapping like any store.
 */
export function lowerZeroStack(c: Code, fp: number, off: number, bytes: number): void {
  for (let k = 8; k <= bytes; k += 8) {
    c.localGet(fp).op(Op.i32WrapI64);
    c.i32Const(off - k - NULL_GUARD).op(Op.i32Add);
    c.i64Const(0);
    c.mem(Op.i64Store, ALIGN[8], NULL_GUARD);
  }
}

export function lowerStx(c: Code, l: Locals, insn: StxInsn): void {
  const offset = address(c, l, insn.dst, insn.off);
  c.localGet(l.reg[insn.src]);
  c.mem(STORE[insn.size], ALIGN[insn.size], offset);
}

const RMW64 = { add: Op.i64Add, or: Op.i64Or, and: Op.i64And, xor: Op.i64Xor } as const;
const RMW32 = { add: Op.i32Add, or: Op.i32Or, and: Op.i32And, xor: Op.i32Xor } as const;

export function lowerAtomic(c: Code, l: Locals, insn: AtomicInsn): void {
  const a = l.a32;
  const src = l.reg[insn.src];
  const r0 = l.reg[0];
  const wide = insn.size === 8;
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
  const at = address(c, l, insn.dst, insn.off); // every load and store below uses memarg `at`
  c.localSet(a);
  switch (insn.op) {
    case 'xchg':
      c.localGet(a).mem(load, align, at).localSet(old);
      c.localGet(a);
      value();
      c.mem(store, align, at);
      c.localGet(old);
      widen();
      c.localSet(src);
      return;
    case 'cmpxchg':
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
      c.localGet(a).localGet(a).mem(load, align, at);
      if (insn.fetch) c.localTee(old);
      value();
      c.op(wide ? RMW64[insn.op] : RMW32[insn.op]);
      c.mem(store, align, at);
      if (insn.fetch) {
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
  insn: LdAbsInsn | LdIndInsn,
  packet: { off: number; len: number },
  outside: () => void,
): void {
  const k = l.t64;
  c.i64Const(insn.imm);
  if (insn.kind === 'ldind') c.localGet(l.reg[insn.src]).i64Const(-1, 0).op(Op.i64And).op(Op.i64Add);
  c.localTee(k).i64Const(0).op(Op.i64LtS);
  c.localGet(k).i64Const(insn.size).op(Op.i64Add).globalGet(packet.len).op(Op.i64GtU);
  c.op(Op.i32Or).open(Op.if);
  outside();
  c.end();
  c.globalGet(packet.off).localGet(k).op(Op.i32WrapI64).op(Op.i32Add);
  if (insn.size === 1) {
    c.mem(Op.i32Load8U, 0);
  } else if (insn.size === 2) {
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
