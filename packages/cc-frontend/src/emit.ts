/**
 * From allocated IR to BPF instructions: block layout with fall-through, branch inversion,
 * two-address lowering, frame offsets for slots, and the relocations and line table the
 * object writer needs.
 */
import type { Insn, JmpOp, Size } from '@tbpf/isa';
import type { SourceLoc } from './diagnostics.js';
import {
  type Block,
  type CoreRelo,
  FIRST_VREG,
  FP,
  type IrFunction,
  type IrInsn,
  type Mem,
  mapInsnRegs,
  type Src,
} from './ir.js';
import { INVERT } from './irgen.js';
import type { Allocation } from './regalloc.js';

export interface EmittedReloc {
  insnIndex: number;
  symbol: string;
  kind: 'map' | 'data' | 'call';
}

/** A CO-RE relocation of instruction `insnIndex` (its offset or immediate). */
export interface EmittedCoreRelo extends CoreRelo {
  insnIndex: number;
  /** The immediate is the local BTF id of `root` (filled in by the object writer). */
  typeId?: boolean;
}

export interface EmittedFunction {
  name: string;
  insns: Insn[];
  relocs: EmittedReloc[];
  coreRelos: EmittedCoreRelo[];
  /** Source location of each instruction (undefined where unknown). */
  locs: (SourceLoc | undefined)[];
  stackSize: number;
}

export function emitFunction(fn: IrFunction, alloc: Allocation): EmittedFunction {
  const R = (v: number): number => {
    if (v < FIRST_VREG) return v;
    const r = alloc.reg.get(v);
    return r ?? 0;
  };
  // Frame layout: each slot at a negative offset from r10.
  const slotOff: number[] = [];
  let size = 0;
  for (const s of fn.slots) {
    size = Math.ceil((size + s.size) / s.align) * s.align;
    slotOff.push(-size);
  }
  const insns: Insn[] = [];
  const locs: (SourceLoc | undefined)[] = [];
  const relocs: EmittedReloc[] = [];
  const coreRelos: EmittedCoreRelo[] = [];
  let loc: SourceLoc | undefined;
  const out = (i: Insn) => {
    insns.push(i);
    locs.push(loc);
  };
  const mem = (m: Mem): { reg: number; off: number } =>
    m.slot !== undefined ? { reg: FP, off: slotOff[m.slot] + m.off } : { reg: R(m.base), off: m.off };
  /** The next instruction's offset is a CO-RE-relocated field offset. */
  const core = (m: Mem) => {
    if (m.core) coreRelos.push({ insnIndex: insns.length, ...m.core });
  };
  const aluSrc = (s: Src) =>
    s.reg !== undefined
      ? { source: 'reg' as const, src: R(s.reg), imm: 0 }
      : { source: 'imm' as const, src: 0, imm: s.imm };
  const mov = (w: 32 | 64, d: number, s: Src) => {
    if (s.reg !== undefined && R(s.reg) === d && w === 64) return;
    out({ kind: 'alu', width: w, op: 'mov', dst: d, ...aluSrc(s) });
  };
  const constant = (d: number, v: bigint) => {
    const s = BigInt.asIntN(64, v);
    if (s >= -0x80000000n && s <= 0x7fffffffn)
      out({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: d, src: 0, imm: Number(s) });
    else if (s >= 0n && s <= 0xffffffffn)
      out({
        kind: 'alu',
        width: 32,
        op: 'mov',
        source: 'imm',
        dst: d,
        src: 0,
        imm: Number(BigInt.asIntN(32, s)),
      });
    else {
      const u = BigInt.asUintN(64, v);
      out({
        kind: 'lddw',
        source: 'imm64',
        dst: d,
        imm: Number(BigInt.asIntN(32, u)),
        imm2: Number(BigInt.asIntN(32, u >> 32n)),
      });
    }
  };

  const lower = (i: IrInsn) => {
    loc = i.loc ?? loc;
    switch (i.op) {
      case 'mov':
        return mov(i.w, R(i.d), i.s);
      case 'const':
        return constant(R(i.d), i.v);
      case 'coreconst': {
        const { kind, root, access } = i.relo;
        coreRelos.push({ insnIndex: insns.length, kind, root, access, typeId: i.typeId });
        const u = BigInt.asUintN(64, i.v);
        if (i.wide)
          out({
            kind: 'lddw',
            source: 'imm64',
            dst: R(i.d),
            imm: Number(BigInt.asIntN(32, u)),
            imm2: Number(BigInt.asIntN(32, u >> 32n)),
          });
        else
          out({
            kind: 'alu',
            width: 64,
            op: 'mov',
            source: 'imm',
            dst: R(i.d),
            src: 0,
            imm: Number(BigInt.asIntN(32, u)),
          });
        return;
      }
      case 'alu': {
        const d = R(i.d);
        if (R(i.a) !== d || i.w === 32) {
          if (!(R(i.a) === d && i.w === 32)) mov(i.w, d, { reg: i.a });
        }
        out({ kind: 'alu', width: i.w, op: i.alu, dst: d, ...aluSrc(i.b) });
        return;
      }
      case 'neg': {
        const d = R(i.d);
        mov(i.w, d, { reg: i.a });
        out({ kind: 'alu', width: i.w, op: 'neg', source: 'imm', dst: d, src: 0, imm: 0 });
        return;
      }
      case 'movsx':
        out({
          kind: 'alu',
          width: i.w,
          op: `movsx${i.bits}` as 'movsx8',
          source: 'reg',
          dst: R(i.d),
          src: R(i.a),
          imm: 0,
        });
        return;
      case 'bswap': {
        const d = R(i.d);
        mov(64, d, { reg: i.a });
        out({ kind: 'end', op: 'be', bits: i.bits, dst: d });
        return;
      }
      case 'ld': {
        const m = mem(i.m);
        core(i.m);
        out({ kind: 'ldx', size: i.size, signed: false, dst: R(i.d), src: m.reg, off: m.off });
        return;
      }
      case 'st': {
        const m = mem(i.m);
        core(i.m);
        if (i.s.reg !== undefined)
          out({ kind: 'stx', size: i.size, dst: m.reg, src: R(i.s.reg), off: m.off });
        else out({ kind: 'st', size: i.size, dst: m.reg, off: m.off, imm: i.s.imm });
        return;
      }
      case 'addr': {
        const d = R(i.d);
        out({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: d, src: FP, imm: 0 });
        const off = slotOff[i.slot] + i.off;
        if (off !== 0) out({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: d, src: 0, imm: off });
        return;
      }
      case 'sym':
        relocs.push({ insnIndex: insns.length, symbol: i.symbol, kind: i.kind });
        out({ kind: 'lddw', source: 'imm64', dst: R(i.d), imm: i.kind === 'data' ? i.addend : 0, imm2: 0 });
        return;
      case 'call':
        out({ kind: 'call', target: 'helper', imm: i.helper });
        return;
      case 'calllocal':
        relocs.push({ insnIndex: insns.length, symbol: i.fn, kind: 'call' });
        out({ kind: 'call', target: 'local', imm: -1 });
        return;
      case 'atomic': {
        const m = mem(i.m);
        if (i.d !== undefined) {
          mov(64, R(i.d), { reg: i.s });
          out({ kind: 'atomic', size: i.size, op: i.aop, fetch: true, dst: m.reg, src: R(i.d), off: m.off });
        } else
          out({ kind: 'atomic', size: i.size, op: i.aop, fetch: false, dst: m.reg, src: R(i.s), off: m.off });
        return;
      }
      case 'cmpxchg': {
        const m = mem(i.m);
        out({
          kind: 'atomic',
          size: i.size,
          op: 'cmpxchg',
          fetch: true,
          dst: m.reg,
          src: R(i.s),
          off: m.off,
        });
        return;
      }
      case 'asm':
        for (const x of i.insns) out(mapInsnRegs(x, R));
        return;
      case 'setcc': {
        const d = R(i.d);
        out({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: d, src: 0, imm: 1 });
        out({ kind: 'jmp', width: i.w, op: i.cc, dst: R(i.a), ...aluSrc(i.b), off: 1 });
        out({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: d, src: 0, imm: 0 });
        return;
      }
    }
  };

  const order = layout(fn.blocks);
  // Branches are emitted short; one whose target is beyond ±32767 slots becomes a `gotol` (an
  // unconditional one in place, a conditional one as the inverted test over a `gotol`), and the
  // function is laid out again until every offset fits.
  const far = new Set<Block>();
  for (;;) {
    insns.length = 0;
    locs.length = 0;
    relocs.length = 0;
    coreRelos.length = 0;
    const start = new Map<Block, number>();
    const fixups: { at: number; target: Block; from: Block }[] = [];
    order.forEach((b, k) => {
      start.set(b, insns.length);
      loc = b.insns[0]?.loc ?? loc;
      for (const i of b.insns) lower(i);
      const next = order[k + 1];
      const t = b.term;
      const jump = (target: Block) => {
        fixups.push({ at: insns.length, target, from: b });
        out(far.has(b) ? { kind: 'gotol', imm: 0 } : { kind: 'ja', off: 0 });
      };
      if (t.op === 'jmp') {
        if (t.t !== next) jump(t.t);
      } else if (t.op === 'ret') out({ kind: 'exit' });
      else if (t.op === 'br') {
        const cond = (cc: JmpOp, target: Block) => {
          const inv = INVERT[cc];
          if (far.has(b) && inv) {
            out({ kind: 'jmp', width: t.w, op: inv, dst: R(t.a), ...aluSrc(t.b), off: 1 });
            jump(target);
            return;
          }
          fixups.push({ at: insns.length, target, from: b });
          out({ kind: 'jmp', width: t.w, op: cc, dst: R(t.a), ...aluSrc(t.b), off: 0 });
        };
        const inv = INVERT[t.cc];
        if (t.t === next && inv) cond(inv, t.f);
        else {
          cond(t.cc, t.t);
          if (t.f !== next) jump(t.f);
        }
      }
      // A block ending in 'none' is an unreachable end (after a return in a dead block).
    });
    // Resolve jump offsets in slots (lddw is two slots).
    const slotAt: number[] = [];
    let slot = 0;
    for (const i of insns) {
      slotAt.push(slot);
      slot += i.kind === 'lddw' ? 2 : 1;
    }
    slotAt.push(slot);
    let grew = false;
    for (const f of fixups) {
      const off = slotAt[start.get(f.target) as number] - slotAt[f.at] - 1;
      const insn = insns[f.at];
      if (insn.kind === 'gotol') insn.imm = off;
      else if (off >= -32768 && off <= 32767) (insn as { off: number }).off = off;
      else if (!far.has(f.from)) {
        far.add(f.from);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return { name: fn.name, insns, relocs, coreRelos, locs, stackSize: size };
}

/**
 * Block order: chains of fall-through. After each block comes its jump target or the false arm
 * of its branch when not yet placed (so most branches need no extra `goto`); loops keep their
 * header first.
 */
function layout(blocks: Block[]): Block[] {
  const placed = new Set<Block>();
  const order: Block[] = [];
  const next = (b: Block): Block | undefined => {
    const t = b.term;
    if (t.op === 'jmp') return t.t;
    if (t.op === 'br') return placed.has(t.f) ? t.t : t.f;
    return undefined;
  };
  for (const start of blocks) {
    let b: Block | undefined = start;
    while (b && !placed.has(b)) {
      placed.add(b);
      order.push(b);
      b = next(b);
    }
  }
  return order;
}

export type { Size };
