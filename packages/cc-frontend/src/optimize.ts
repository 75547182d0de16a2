/**
 * IR clean-ups before register allocation: unreachable-block removal, jump threading, constant
 * and copy propagation within blocks, folding of constant branches, and dead-code elimination.
 */

import {
  type Block,
  defs,
  FIRST_VREG,
  FP,
  type IrFunction,
  type IrInsn,
  type Mem,
  mapRegs,
  predecessors,
  type Src,
  successors,
  termUses,
  uses,
} from './ir.js';
import { forwardMemory } from './memory-forward.js';
import { lateUses } from './regalloc.js';

export function optimize(fn: IrFunction, level: number): void {
  simplifyCfg(fn);
  if (level <= 0) return;
  for (let round = 0; round < 4; round++) {
    let changed = false;
    const entry = constantsAtEntry(fn);
    for (const b of fn.blocks) changed = propagate(b, entry.get(b)) || changed;
    changed = forwardMemory(fn) || changed;
    changed = foldBranches(fn) || changed;
    changed = deadCode(fn) || changed;
    changed = deadSlotStores(fn) || changed;
    changed = coalesce(fn) || changed;
    simplifyCfg(fn);
    if (!changed) break;
  }
  duplicateReturns(fn);
}

/** A jump to a tiny block that returns becomes a copy of it (saves the jump, as clang does). */
function duplicateReturns(fn: IrFunction): void {
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op !== 'jmp' || t.t === b) continue;
    const target = t.t;
    if (target.term.op !== 'ret' || target.insns.length > 2) continue;
    b.insns.push(...target.insns.map((i) => ({ ...i })));
    b.term = { op: 'ret' };
  }
  simplifyCfg(fn);
}

/** Drop unreachable blocks, thread jumps through empty blocks, merge straight-line pairs. */
export function simplifyCfg(fn: IrFunction): void {
  const target = (b: Block): Block => {
    const seen = new Set<Block>();
    let cur = b;
    while (cur.insns.length === 0 && cur.term.op === 'jmp' && !seen.has(cur)) {
      seen.add(cur);
      cur = cur.term.t;
    }
    return cur;
  };
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op === 'jmp') t.t = target(t.t);
    else if (t.op === 'br') {
      t.t = target(t.t);
      t.f = target(t.f);
      if (t.t === t.f) b.term = { op: 'jmp', t: t.t };
    }
  }
  const reach = new Set<Block>();
  const stack = [fn.blocks[0]];
  while (stack.length) {
    const b = stack.pop() as Block;
    if (reach.has(b)) continue;
    reach.add(b);
    stack.push(...successors(b));
  }
  fn.blocks = fn.blocks.filter((b) => reach.has(b));
  // Merge a block into its only predecessor when that predecessor jumps only to it. (A merge
  // keeps every other block's number of predecessors: b takes over next's edges.)
  const predCount = new Map<Block, number>();
  for (const b of fn.blocks) for (const s of successors(b)) predCount.set(s, (predCount.get(s) ?? 0) + 1);
  for (const b of fn.blocks) {
    for (;;) {
      const t = b.term;
      if (t.op !== 'jmp' || t.t === b || t.t === fn.blocks[0]) break;
      const next = t.t;
      if (predCount.get(next) !== 1) break;
      for (const i of next.insns) b.insns.push(i);
      b.term = next.term;
      next.insns = [];
      next.term = { op: 'none' };
      predCount.set(next, 0);
    }
  }
  const live = new Set<Block>();
  const st = [fn.blocks[0]];
  while (st.length) {
    const b = st.pop() as Block;
    if (live.has(b)) continue;
    live.add(b);
    st.push(...successors(b));
  }
  fn.blocks = fn.blocks.filter((b) => live.has(b));
}

type Known = { c: bigint } | { copy: number };

const COMMUTATIVE = new Set(['add', 'mul', 'and', 'or', 'xor']);

function slotKey(slot: number | undefined, off: number, size: number): string {
  return `${slot}:${off}:${size}`;
}

/**
 * Facts about registers (or keys) that mention another register: `k → value`, with a reverse
 * index from the register a value mentions to the keys holding such values, so that forgetting
 * every fact about a register that was written costs the facts about it — not a scan of all
 * facts (a scan per write is quadratic in a long basic block).
 */
class Facts<K, V> {
  private readonly map = new Map<K, V>();
  private readonly mentionedBy = new Map<number, K[]>();
  constructor(private readonly mentions: (v: V) => number | undefined) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  set(k: K, v: V): void {
    this.map.set(k, v);
    const r = this.mentions(v);
    if (r === undefined) return;
    const ks = this.mentionedBy.get(r);
    if (ks) ks.push(k);
    else this.mentionedBy.set(r, [k]);
  }
  delete(k: K): void {
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
    this.mentionedBy.clear();
  }
  /** Forgets the facts whose value mentions register r (stale index entries are skipped). */
  forgetMentionsOf(r: number): void {
    const ks = this.mentionedBy.get(r);
    if (!ks) return;
    this.mentionedBy.delete(r);
    for (const k of ks) {
      const v = this.map.get(k);
      if (v !== undefined && this.mentions(v) === r) this.map.delete(k);
    }
  }
}

function srcOf(i: IrInsn): Src | undefined {
  return i.op === 'alu' || i.op === 'setcc' ? i.b : i.op === 'mov' || i.op === 'st' ? i.s : undefined;
}

/** Within a block: replace uses of registers holding known constants or copies. */
function propagate(b: Block, entry?: Map<number, bigint>): boolean {
  const known = new Facts<number, Known>((v) => ('copy' in v ? v.copy : undefined));
  for (const [r, c] of entry ?? []) known.set(r, { c });
  /** d = (u32)s: 32-bit consumers can read s instead. */
  const low32 = new Facts<number, number>((v) => v);
  let changed = false;
  const kill = (r: number) => {
    known.delete(r);
    low32.delete(r);
    offsetOf.delete(r);
    frameAddr.delete(r);
    offsetOf.forgetMentionsOf(r);
    known.forgetMentionsOf(r);
    low32.forgetMentionsOf(r);
  };
  const narrow = (r: number) => low32.get(r) ?? r;
  /** What this block stored in frame slots: `slot:off:size` → value (4 or 8 bytes). */
  const stored = new Facts<string, Src>((v) => v.reg);
  /** Forgets what was stored in bytes [off, off + size) of a slot (entries are 4 or 8 bytes). */
  const overwrite = (m: Mem, size: number) => {
    for (let off = m.off - 7; off < m.off + size; off++) {
      if (off + 8 > m.off) stored.delete(slotKey(m.slot, off, 8));
      if (off + 4 > m.off) stored.delete(slotKey(m.slot, off, 4));
    }
  };
  const symRegs = new Facts<string, number>((r) => r);
  /** d = base + k (64-bit): memory operands through d can use base with a larger offset. */
  const offsetOf = new Facts<number, { base: number; k: number }>((v) => v.base);
  /** d = &slot + off: memory operands through d become frame-slot operands. */
  const frameAddr = new Map<number, { slot: number; off: number }>();
  const foldMem = (m: Mem): Mem => {
    if (m.slot !== undefined || m.core) return m;
    const a = frameAddr.get(m.base);
    if (a) return { base: FP, off: a.off + m.off, slot: a.slot };
    const o = offsetOf.get(m.base);
    if (!o) return m;
    const off = m.off + o.k;
    return off >= -32768 && off <= 32767 ? { base: o.base, off } : m;
  };
  const resolveReg = (r: number): number => {
    const k = known.get(r);
    return k && 'copy' in k ? k.copy : r;
  };
  const toSrc = (s: Src, w: 32 | 64): Src => {
    if (s.reg === undefined) return s;
    const k = known.get(s.reg);
    if (k && 'c' in k) {
      const v = k.c;
      const sv = BigInt.asIntN(64, v);
      if (w === 32 || (sv >= -0x80000000n && sv <= 0x7fffffffn)) return { imm: Number(BigInt.asIntN(32, v)) };
    }
    return { reg: resolveReg(s.reg) };
  };
  const out: IrInsn[] = [];
  for (let i of b.insns) {
    // Rewrite uses.
    let rewrote = false;
    i = mapRegs(
      i,
      (r) => {
        const n = r >= FIRST_VREG ? resolveReg(r) : r;
        if (n !== r) rewrote = true;
        return n;
      },
      (r) => r,
    );
    const srcBefore = srcOf(i);
    const aBefore = 'a' in i ? i.a : undefined;
    if (i.op === 'alu' && COMMUTATIVE.has(i.alu) && i.b.reg !== undefined) {
      // A constant first operand goes second, where it can be an immediate: `d = k * x` → `d = x * k`.
      const ka = known.get(i.a);
      const kb = known.get(i.b.reg);
      if (ka && 'c' in ka && !(kb && 'c' in kb)) i = { ...i, a: i.b.reg, b: { reg: i.a } };
    }
    if (i.op === 'alu' || i.op === 'setcc') {
      i = { ...i, b: toSrc(i.b, i.w) };
      if (i.w === 32) {
        const b32 = i.b.reg !== undefined ? { reg: narrow(i.b.reg) } : i.b;
        i = { ...i, a: narrow(i.a), b: b32 };
      }
    } else if (i.op === 'mov') {
      i = { ...i, s: toSrc(i.s, i.w) };
      if (i.w === 32 && i.s.reg !== undefined) i = { ...i, s: { reg: narrow(i.s.reg) } };
    } else if (i.op === 'st') {
      i = { ...i, s: toSrc(i.s, i.size === 8 ? 64 : 32) };
      if (i.size <= 4 && i.s.reg !== undefined) i = { ...i, s: { reg: narrow(i.s.reg) } };
    }
    // A sign extension reads only the low bits: `d = (u32)a; e = (s32)d` → `e = (s32)a`.
    if (i.op === 'movsx' && narrow(i.a) !== i.a) i = { ...i, a: narrow(i.a) };
    if (i.op === 'ld' || i.op === 'st' || i.op === 'atomic' || i.op === 'cmpxchg') {
      const m = foldMem(i.m);
      if (m !== i.m) {
        i = { ...i, m } as IrInsn;
        changed = true;
      }
    }
    // Fold constant arithmetic.
    if ((i.op === 'movsx' || i.op === 'neg') && known.has(i.a)) {
      const ka = known.get(i.a) as Known;
      if ('c' in ka) {
        const v =
          i.op === 'neg'
            ? i.w === 32
              ? BigInt.asUintN(32, -ka.c)
              : BigInt.asUintN(64, -ka.c)
            : i.w === 32
              ? BigInt.asUintN(32, BigInt.asIntN(i.bits, ka.c))
              : BigInt.asUintN(64, BigInt.asIntN(i.bits, ka.c));
        i = { op: 'const', d: i.d, v, loc: i.loc };
        changed = true;
      }
    }
    // Identities: x + 0, x | 0, x ^ 0, x << 0, x * 1, x & -1 are copies.
    if (i.op === 'alu' && i.b.imm !== undefined) {
      const k = i.b.imm;
      const identity =
        (k === 0 && ['add', 'sub', 'or', 'xor', 'lsh', 'rsh', 'arsh'].includes(i.alu)) ||
        (k === 1 && ['mul', 'div', 'sdiv'].includes(i.alu)) ||
        (k === -1 && i.alu === 'and');
      if (identity) {
        i = { op: 'mov', w: i.w, d: i.d, s: { reg: i.a }, loc: i.loc };
        changed = true;
      }
    }
    if (i.op === 'alu') {
      const ka = known.get(i.a);
      if (ka && 'c' in ka && i.b.imm !== undefined) {
        const v = foldAlu(i.alu, i.w, ka.c, BigInt(i.b.imm));
        if (v !== undefined) {
          i = { op: 'const', d: i.d, v, loc: i.loc };
          changed = true;
        }
      }
    }
    const srcAfter = srcOf(i);
    const aAfter = 'a' in i ? i.a : undefined;
    if (rewrote || aAfter !== aBefore || srcAfter?.imm !== srcBefore?.imm || srcAfter?.reg !== srcBefore?.reg)
      changed = true;
    // Stack slots: a load of what this block just stored becomes a copy of the stored value.
    if (i.op === 'ld' && i.m.slot !== undefined && i.d >= FIRST_VREG && (i.size === 8 || i.size === 4)) {
      const v = stored.get(slotKey(i.m.slot, i.m.off, i.size));
      if (v !== undefined) {
        i =
          v.imm !== undefined
            ? {
                op: 'const',
                d: i.d,
                v: i.size === 8 ? BigInt.asUintN(64, BigInt(v.imm)) : BigInt(v.imm >>> 0),
                loc: i.loc,
              }
            : { op: 'mov', w: i.size === 8 ? 64 : 32, d: i.d, s: { reg: v.reg as number }, loc: i.loc };
        changed = true;
      }
    }
    // Identical symbol addresses within a block: reuse the register.
    if (i.op === 'sym' && i.d >= FIRST_VREG) {
      const key = `${i.kind}:${i.symbol}:${i.addend}`;
      const r = symRegs.get(key);
      if (r !== undefined && r !== i.d) {
        i = { op: 'mov', w: 64, d: i.d, s: { reg: r }, loc: i.loc };
        changed = true;
      }
    }
    if (i.op === 'st') {
      if (i.m.slot === undefined)
        stored.clear(); // may alias any slot whose address escaped
      else {
        overwrite(i.m, i.size);
        if (i.size === 8 || i.size === 4) stored.set(slotKey(i.m.slot, i.m.off, i.size), i.s);
      }
    } else if (
      i.op === 'call' ||
      i.op === 'calllocal' ||
      i.op === 'atomic' ||
      i.op === 'cmpxchg' ||
      i.op === 'asm'
    )
      stored.clear();
    for (const d of defs(i)) {
      kill(d);
      stored.forgetMentionsOf(d);
      symRegs.forgetMentionsOf(d);
    }
    if (i.op === 'sym' && i.d >= FIRST_VREG) symRegs.set(`${i.kind}:${i.symbol}:${i.addend}`, i.d);
    if (i.op === 'addr' && i.d >= FIRST_VREG) frameAddr.set(i.d, { slot: i.slot, off: i.off });
    else if (i.op === 'mov' && i.w === 64 && i.s.reg !== undefined && i.d >= FIRST_VREG && i.d !== i.s.reg) {
      const a = frameAddr.get(i.s.reg);
      if (a) frameAddr.set(i.d, a);
    } else if (
      i.op === 'alu' &&
      i.w === 64 &&
      i.alu === 'add' &&
      i.b.imm !== undefined &&
      i.d >= FIRST_VREG &&
      i.a !== i.d
    ) {
      const a = frameAddr.get(i.a);
      if (a) frameAddr.set(i.d, { slot: a.slot, off: a.off + i.b.imm });
    }
    if (i.op === 'mov' && i.w === 32 && i.s.reg !== undefined && i.d >= FIRST_VREG && i.s.reg !== i.d)
      low32.set(i.d, i.s.reg);
    if (
      i.op === 'alu' &&
      i.w === 64 &&
      (i.alu === 'add' || i.alu === 'sub') &&
      i.b.imm !== undefined &&
      i.d >= FIRST_VREG &&
      i.a !== i.d
    )
      offsetOf.set(i.d, { base: i.a, k: i.alu === 'add' ? i.b.imm : -i.b.imm });
    if (i.op === 'const' && i.d >= FIRST_VREG) known.set(i.d, { c: BigInt.asUintN(64, i.v) });
    else if (i.op === 'mov' && i.d >= FIRST_VREG) {
      if (i.s.imm !== undefined)
        known.set(i.d, { c: i.w === 64 ? BigInt.asUintN(64, BigInt(i.s.imm)) : BigInt(i.s.imm >>> 0) });
      else if (i.w === 64 && i.s.reg !== i.d && i.s.reg >= FIRST_VREG) known.set(i.d, { copy: i.s.reg });
    }
    out.push(i);
  }
  b.insns = out;
  const t = b.term;
  if (t.op === 'br') {
    let a = resolveReg(t.a);
    let nb = toSrc(t.b, t.w);
    if (t.w === 32) {
      a = narrow(a);
      if (nb.reg !== undefined) nb = { reg: narrow(nb.reg) };
    }
    const ka = known.get(a);
    if (ka && 'c' in ka && nb.imm !== undefined) {
      const taken = evalCond(t.cc, t.w, ka.c, BigInt(nb.imm));
      b.term = { op: 'jmp', t: taken ? t.t : t.f };
      return true;
    }
    if (a !== t.a || nb.imm !== t.b.imm || nb.reg !== t.b.reg) {
      b.term = { ...t, a, b: nb };
      changed = true;
    }
  }
  return changed;
}

/** The constant a register holds after an instruction, when the instruction makes it one. */
function constantDef(i: IrInsn, known: Map<number, bigint>): bigint | undefined {
  if (i.op === 'const') return BigInt.asUintN(64, i.v);
  if (i.op === 'mov' && i.s.imm !== undefined)
    return i.w === 64 ? BigInt.asUintN(64, BigInt(i.s.imm)) : BigInt(i.s.imm >>> 0);
  if (i.op === 'mov' && i.s.reg !== undefined) {
    const c = known.get(i.s.reg);
    if (c !== undefined) return i.w === 64 ? c : BigInt.asUintN(32, c);
  }
  return undefined;
}

/**
 * Cross-block constant propagation: the vregs holding the same constant at the end of every
 * predecessor hold it on entry to a block (a forward data-flow problem, solved by iteration;
 * the IR is not SSA, so a vreg assigned on some path is not constant after the join).
 */
function constantsAtEntry(fn: IrFunction): Map<Block, Map<number, bigint>> {
  const preds = predecessors(fn);
  const out = new Map<Block, Map<number, bigint>>();
  const entryOf = (b: Block): Map<number, bigint> => {
    if (b === fn.blocks[0]) return new Map();
    let acc: Map<number, bigint> | undefined;
    for (const p of preds.get(b) ?? []) {
      const o = out.get(p);
      if (o === undefined) continue;
      if (acc === undefined) acc = new Map(o);
      else for (const [r, c] of acc) if (o.get(r) !== c) acc.delete(r);
    }
    return acc ?? new Map();
  };
  for (let round = 0, settled = false; !settled; round++) {
    if (round > 50) return new Map(); // not settled: no cross-block facts
    settled = true;
    for (const b of fn.blocks) {
      const known = entryOf(b);
      for (const i of b.insns) {
        const c = constantDef(i, known);
        for (const d of defs(i)) known.delete(d);
        if (
          c !== undefined &&
          i.op !== 'st' &&
          i.op !== 'call' &&
          i.op !== 'calllocal' &&
          'd' in i &&
          i.d !== undefined &&
          i.d >= FIRST_VREG
        )
          known.set(i.d, c);
      }
      const old = out.get(b);
      if (!old || old.size !== known.size || [...known].some(([r, c]) => old.get(r) !== c)) {
        out.set(b, known);
        settled = false;
      }
    }
  }
  const entry = new Map<Block, Map<number, bigint>>();
  for (const b of fn.blocks) entry.set(b, entryOf(b));
  return entry;
}

function foldAlu(op: string, w: 32 | 64, a: bigint, b0: bigint): bigint | undefined {
  const bits = BigInt(w);
  const mask = (v: bigint) => (w === 32 ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v));
  const ua = mask(a);
  const ub = mask(w === 64 ? BigInt.asIntN(64, BigInt.asIntN(32, b0)) : b0);
  const sa = BigInt.asIntN(w, ua);
  const sb = BigInt.asIntN(w, ub);
  switch (op) {
    case 'add':
      return mask(ua + ub);
    case 'sub':
      return mask(ua - ub);
    case 'mul':
      return mask(ua * ub);
    case 'and':
      return ua & ub;
    case 'or':
      return ua | ub;
    case 'xor':
      return ua ^ ub;
    case 'lsh':
      return mask(ua << (ub & (bits - 1n)));
    case 'rsh':
      return ua >> (ub & (bits - 1n));
    case 'arsh':
      return mask(sa >> (ub & (bits - 1n)));
    case 'div':
      return ub === 0n ? 0n : ua / ub;
    case 'mod':
      return ub === 0n ? ua : ua % ub;
    case 'sdiv':
      return sb === 0n ? 0n : mask(sa / sb);
    case 'smod':
      return sb === 0n ? ua : mask(sa % sb);
    default:
      return undefined;
  }
}

export function evalCond(cc: string, w: 32 | 64, a: bigint, b: bigint): boolean {
  const ua = w === 32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a);
  const ub = w === 32 ? BigInt.asUintN(32, b) : BigInt.asUintN(64, BigInt.asIntN(32, b));
  const sa = BigInt.asIntN(w, ua);
  const sb = BigInt.asIntN(w, ub);
  switch (cc) {
    case 'jeq':
      return ua === ub;
    case 'jne':
      return ua !== ub;
    case 'jgt':
      return ua > ub;
    case 'jge':
      return ua >= ub;
    case 'jlt':
      return ua < ub;
    case 'jle':
      return ua <= ub;
    case 'jsgt':
      return sa > sb;
    case 'jsge':
      return sa >= sb;
    case 'jslt':
      return sa < sb;
    case 'jsle':
      return sa <= sb;
    default:
      return (ua & ub) !== 0n;
  }
}

function foldBranches(fn: IrFunction): boolean {
  let changed = false;
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op === 'br' && t.t === t.f) {
      b.term = { op: 'jmp', t: t.t };
      changed = true;
    }
  }
  return changed;
}

/** Removes instructions whose results are never used (no side effects). */
function deadCode(fn: IrFunction): boolean {
  const liveIn = new Map<Block, Set<number>>();
  for (const b of fn.blocks) liveIn.set(b, new Set());
  const blockLiveOut = (b: Block) => {
    const s = new Set<number>();
    for (const x of successors(b)) for (const r of liveIn.get(x) as Set<number>) s.add(r);
    return s;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = fn.blocks.length - 1; k >= 0; k--) {
      const b = fn.blocks[k];
      const live = blockLiveOut(b);
      for (const r of termUses(b.term)) live.add(r);
      for (let j = b.insns.length - 1; j >= 0; j--) {
        const i = b.insns[j];
        for (const d of defs(i)) live.delete(d);
        for (const u of uses(i)) live.add(u);
      }
      const old = liveIn.get(b) as Set<number>;
      if (live.size !== old.size || [...live].some((r) => !old.has(r))) {
        liveIn.set(b, live);
        changed = true;
      }
    }
  }
  let removed = false;
  for (const b of fn.blocks) {
    const live = blockLiveOut(b);
    for (const r of termUses(b.term)) live.add(r);
    const keep: IrInsn[] = [];
    for (let j = b.insns.length - 1; j >= 0; j--) {
      let i = b.insns[j];
      const ds = defs(i);
      const pure =
        i.op !== 'st' &&
        i.op !== 'call' &&
        i.op !== 'calllocal' &&
        i.op !== 'atomic' &&
        i.op !== 'cmpxchg' &&
        i.op !== 'asm';
      const physDef = ds.some((d) => d < FIRST_VREG);
      if (pure && !physDef && ds.every((d) => !live.has(d))) {
        removed = true;
        continue;
      }
      if (i.op === 'atomic' && i.d !== undefined && !live.has(i.d) && i.aop !== 'xchg') {
        i = { ...i, d: undefined };
        removed = true;
      }
      for (const d of defs(i)) live.delete(d);
      for (const u of uses(i)) live.add(u);
      keep.push(i);
    }
    b.insns = keep.reverse();
  }
  return removed;
}

/**
 * Stores to a frame slot that nothing reads are dropped: no load from the slot, and its
 * address is not taken (no `addr` of it is left, so no pointer can reach it).
 */
function deadSlotStores(fn: IrFunction): boolean {
  const read = new Set<number>();
  for (const b of fn.blocks)
    for (const i of b.insns) {
      if (i.op === 'addr') read.add(i.slot);
      else if ((i.op === 'ld' || i.op === 'atomic' || i.op === 'cmpxchg') && i.m.slot !== undefined)
        read.add(i.m.slot);
    }
  let removed = false;
  for (const b of fn.blocks) {
    const keep = b.insns.filter((i) => !(i.op === 'st' && i.m.slot !== undefined && !read.has(i.m.slot)));
    if (keep.length !== b.insns.length) {
      b.insns = keep;
      removed = true;
    }
  }
  return removed;
}

/** `d = …; s = d` with d used nowhere else becomes `s = …` (saves the copy). */
function coalesce(fn: IrFunction): boolean {
  const useCount = new Map<number, number>();
  const defCount = new Map<number, number>();
  const bump = (m: Map<number, number>, r: number) => m.set(r, (m.get(r) ?? 0) + 1);
  for (const b of fn.blocks) {
    for (const i of b.insns) {
      for (const r of uses(i)) bump(useCount, r);
      for (const r of defs(i)) bump(defCount, r);
    }
    for (const r of termUses(b.term)) bump(useCount, r);
  }
  let changed = false;
  for (const b of fn.blocks) {
    const out: IrInsn[] = [];
    for (const i of b.insns) {
      const prev = out[out.length - 1];
      if (
        prev !== undefined &&
        i.op === 'mov' &&
        i.w === 64 &&
        i.s.reg !== undefined &&
        i.s.reg >= FIRST_VREG &&
        i.d >= FIRST_VREG &&
        useCount.get(i.s.reg) === 1 &&
        defCount.get(i.s.reg) === 1 &&
        prev.op !== 'call' &&
        prev.op !== 'calllocal' &&
        prev.op !== 'cmpxchg' &&
        prev.op !== 'asm' &&
        prev.op !== 'st' &&
        defs(prev).length === 1 &&
        defs(prev)[0] === i.s.reg &&
        !lateUses(prev).includes(i.d)
      ) {
        const from = i.s.reg;
        out[out.length - 1] = mapRegs(
          prev,
          (r) => r,
          (r) => (r === from ? i.d : r),
        );
        changed = true;
        continue;
      }
      out.push(i);
    }
    b.insns = out;
  }
  return changed;
}
