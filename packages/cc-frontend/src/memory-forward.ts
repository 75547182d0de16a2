/**
 * Load reuse across blocks: a load from an address whose value is already in a register —
 * stored there, or loaded before — on every path since, with nothing in between that may have
 * written it, becomes a copy of that register. (The verifier then sees the bounds the program
 * checked on the register, as with clang, instead of an unknown value reloaded from memory.)
 * Addresses are compared as (base register, offset, size) or (frame slot, offset, size); any
 * store through a pointer, call or atomic operation forgets what may alias it.
 */
import {
  type Block,
  defs,
  FIRST_VREG,
  type IrFunction,
  type IrInsn,
  type Mem,
  predecessors,
  reversePostorder,
} from './ir.js';

/**
 * What a memory location is known to hold: a register (`exact`: what a load gives; otherwise
 * the low 32 bits of a 4-byte store's register) or a constant (`value`: what a load gives).
 */
interface Fact {
  key: string;
  m: Mem;
  size: number;
  reg: number;
  exact: boolean;
  value?: bigint;
}

type Facts = Map<string, Fact>;

const keyOf = (m: Mem, size: number) =>
  m.slot !== undefined ? `s${m.slot}:${m.off}:${size}` : `r${m.base}:${m.off}:${size}`;

function overlap(a: Fact, m: Mem, size: number): boolean {
  return a.m.off < m.off + size && m.off < a.m.off + a.size;
}

/**
 * Forget the facts a store to m may change: through a pointer, anything but other offsets of
 * the same pointer and stack objects whose address was never taken; to a stack slot, that
 * slot's overlapping facts, and pointer facts too when the slot's address was taken.
 */
function clobber(facts: Facts, m: Mem, size: number, escaped: Set<number>): void {
  for (const [k, f] of facts) {
    const hit =
      m.slot !== undefined
        ? f.m.slot === m.slot
          ? overlap(f, m, size)
          : f.m.slot === undefined && escaped.has(m.slot)
        : f.m.slot !== undefined
          ? escaped.has(f.m.slot)
          : f.m.base !== m.base || overlap(f, m, size);
    if (hit) facts.delete(k);
  }
}

/**
 * Apply one instruction to the facts; returns the instruction, rewritten when a load is reused.
 * `consts`: registers holding known constants in this block (a constant stored from a register
 * is known piece by piece, so narrower loads of it fold too).
 */
function step(facts: Facts, i: IrInsn, escaped: Set<number>, consts: Map<number, bigint>): IrInsn {
  let out = i;
  if (i.op === 'ld' && !i.volatile && i.d >= FIRST_VREG) {
    const known = facts.get(keyOf(i.m, i.size));
    if (known?.value !== undefined) out = { op: 'const', d: i.d, v: known.value, loc: i.loc };
    else if (known && known.reg !== i.d)
      out = { op: 'mov', w: known.exact ? 64 : 32, d: i.d, s: { reg: known.reg }, loc: i.loc };
  }
  if (i.op === 'st') clobber(facts, i.m, i.size, escaped);
  else if (
    i.op === 'call' ||
    i.op === 'calllocal' ||
    i.op === 'atomic' ||
    i.op === 'cmpxchg' ||
    i.op === 'asm'
  )
    facts.clear();
  for (const d of defs(out))
    for (const [k, f] of facts)
      if (f.reg === d || (f.m.slot === undefined && f.m.base === d)) facts.delete(k);
  if (i.op === 'ld' && !i.volatile && i.d >= FIRST_VREG && (i.m.slot !== undefined || i.m.base !== i.d)) {
    // The first register known to hold the value stays the one later loads copy.
    const key = keyOf(i.m, i.size);
    if (!facts.has(key)) facts.set(key, { key, m: i.m, size: i.size, reg: i.d, exact: true });
  } else if (i.op === 'st' && !i.volatile && (i.s.imm !== undefined || consts.has(i.s.reg))) {
    // A constant stored (st sign-extends imm to 8 bytes): each aligned piece is known.
    const v = i.s.imm !== undefined ? BigInt(i.s.imm) : (consts.get(i.s.reg) as bigint);
    for (let k = 1; k <= i.size; k *= 2)
      for (let at = 0; at < i.size; at += k) {
        const m = { ...i.m, off: i.m.off + at };
        const key = keyOf(m, k);
        const value = BigInt.asUintN(k * 8, v >> BigInt(8 * at));
        facts.set(key, { key, m, size: k, reg: -1, exact: true, value });
      }
  } else if (i.op === 'st' && !i.volatile && i.s.reg !== undefined && (i.size === 8 || i.size === 4)) {
    if (i.s.reg >= FIRST_VREG && (i.m.slot !== undefined || i.m.base !== i.s.reg)) {
      const key = keyOf(i.m, i.size);
      facts.set(key, { key, m: i.m, size: i.size, reg: i.s.reg, exact: i.size === 8 });
    }
  }
  for (const d of defs(out)) consts.delete(d);
  if (out.op === 'const') consts.set(out.d, BigInt.asUintN(64, out.v));
  else if (out.op === 'mov' && out.w === 64 && out.s.imm !== undefined)
    consts.set(out.d, BigInt.asUintN(64, BigInt(out.s.imm)));
  return out;
}

function intersect(a: Facts, b: Facts): Facts {
  const out: Facts = new Map();
  for (const [k, f] of a) {
    const g = b.get(k);
    if (g && g.reg === f.reg && g.exact === f.exact && g.value === f.value) out.set(k, f);
  }
  return out;
}

export function forwardMemory(fn: IrFunction): boolean {
  const escaped = new Set<number>();
  for (const b of fn.blocks) for (const i of b.insns) if (i.op === 'addr') escaped.add(i.slot);
  const preds = predecessors(fn);
  // OUT facts per block; undefined = not computed yet (everything, for the intersection).
  const out = new Map<Block, Facts>();
  const entryFacts = (b: Block): Facts => {
    if (b === fn.blocks[0]) return new Map();
    let acc: Facts | undefined;
    for (const p of preds.get(b) ?? []) {
      const o = out.get(p);
      if (o === undefined) continue;
      acc = acc === undefined ? new Map(o) : intersect(acc, o);
    }
    return acc ?? new Map();
  };
  // Facts only shrink from round to round; a function that has not settled after many rounds
  // (a very deep loop nest) is left as it is. In reverse postorder, code without loops settles
  // in one round (in layout order, a chain of n if/else needed n rounds: long functions never
  // settled within the bound, cost 50 rounds and kept their loads).
  const order = reversePostorder(fn);
  let settled = false;
  for (let rounds = 0; !settled && rounds < 50; rounds++) {
    settled = true;
    for (const b of order) {
      const facts = entryFacts(b);
      const consts = new Map<number, bigint>();
      for (const i of b.insns) step(facts, i, escaped, consts);
      const old = out.get(b);
      if (
        !old ||
        old.size !== facts.size ||
        [...facts.keys()].some((k) => old.get(k)?.reg !== facts.get(k)?.reg)
      ) {
        out.set(b, facts);
        settled = false;
      }
    }
  }
  if (!settled) return false;
  let rewrote = false;
  for (const b of fn.blocks) {
    const facts = entryFacts(b);
    const consts = new Map<number, bigint>();
    b.insns = b.insns.map((i) => {
      const r = step(facts, i, escaped, consts);
      if (r !== i) rewrote = true;
      return r;
    });
  }
  return rewrote;
}
