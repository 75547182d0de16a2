/**
 * Conditional jumps on scalars: narrow both operands on each edge (Linux's reg_set_min_max),
 * at the jump's width. An edge whose narrowed facts contradict is impossible — this is also how
 * a branch is found to be always or never taken. Values are 64-bit word pairs (./u64.ts).
 */
import type { JmpOp } from '@tbpf/isa';
import {
  BOUNDS_WORDS,
  type Bounds,
  loadBounds,
  memoSlots,
  narrow,
  newView,
  sameBounds,
  setBounds,
  storeBounds,
  type View,
  viewInto,
} from './bounds.js';
import { highMask, tnumIntersect } from './tnum.js';
import { add, hi, ONES, SIGN, sle, slt, sub, ule, ult } from './u64.js';

/** A jump condition or its negation. `jnset` is "not (a & b)". */
export type Cond = JmpOp | 'jnset';

const NEGATE: Record<Cond, Cond> = {
  jeq: 'jne',
  jne: 'jeq',
  jgt: 'jle',
  jle: 'jgt',
  jge: 'jlt',
  jlt: 'jge',
  jsgt: 'jsle',
  jsle: 'jsgt',
  jsge: 'jslt',
  jslt: 'jsge',
  jset: 'jnset',
  jnset: 'jset',
};

export const negate = (c: Cond): Cond => NEGATE[c];

/** Largest unsigned / signed and smallest signed value of a `bits`-wide view, as words. */
const isUmax = (h: number, l: number, bits: 32 | 64): boolean => h === highMask(bits) && l === ONES;
const isSmax = (h: number, l: number, bits: 32 | 64): boolean =>
  bits === 64 ? h === 0x7fffffff && l === ONES : h === 0 && l === 0x7fffffff;
const isSmin = (h: number, l: number, bits: 32 | 64): boolean =>
  bits === 64 ? h === SIGN && l === 0 : h === ONES && l === SIGN;

// The operands' views and their narrowed copies, reused by every jump.
const VA = newView();
const VB = newView();
const NA = newView();
const NB = newView();

// Each `x OP= y ± 1` below first rules out the ±1 leaving the width's range: that edge is then
// impossible (the BigInt formulation finds the same when the narrowed bounds cross).

/** A.umin = max(a.umin, b.umin + k) for k in {0, 1}; false when impossible. */
function raiseUmin(A: View, b: View, k: number, bits: 32 | 64): boolean {
  if (k && isUmax(b.uminh, b.uminl, bits)) return false;
  const l = add(b.uminh, b.uminl, 0, k);
  const h = hi.h;
  if (ult(A.uminh, A.uminl, h, l)) {
    A.uminh = h;
    A.uminl = l;
  }
  return true;
}

/** B.umax = min(b.umax, a.umax - k); false when impossible. */
function lowerUmax(B: View, a: View, k: number): boolean {
  if (k && a.umaxh === 0 && a.umaxl === 0) return false;
  const l = sub(a.umaxh, a.umaxl, 0, k);
  const h = hi.h;
  if (ult(h, l, B.umaxh, B.umaxl)) {
    B.umaxh = h;
    B.umaxl = l;
  }
  return true;
}

/** A.smin = max(a.smin, b.smin + k); false when impossible. */
function raiseSmin(A: View, b: View, k: number, bits: 32 | 64): boolean {
  if (k && isSmax(b.sminh, b.sminl, bits)) return false;
  const l = add(b.sminh, b.sminl, 0, k);
  const h = hi.h;
  if (slt(A.sminh, A.sminl, h, l)) {
    A.sminh = h;
    A.sminl = l;
  }
  return true;
}

/** B.smax = min(b.smax, a.smax - k); false when impossible. */
function lowerSmax(B: View, a: View, k: number, bits: 32 | 64): boolean {
  if (k && isSmin(a.smaxh, a.smaxl, bits)) return false;
  const l = sub(a.smaxh, a.smaxl, 0, k);
  const h = hi.h;
  if (slt(h, l, B.smaxh, B.smaxl)) {
    B.smaxh = h;
    B.smaxl = l;
  }
  return true;
}

/** Narrowed views (A, B) of (a, b) under `a cond b`; false when the condition cannot hold. */
function refineViews(c: Cond, a: View, b: View, A: View, B: View, bits: 32 | 64): boolean {
  switch (c) {
    case 'jeq': {
      if (!tnumIntersect(A, a, b)) return false;
      const ua = ult(b.uminh, b.uminl, a.uminh, a.uminl);
      A.uminh = ua ? a.uminh : b.uminh;
      A.uminl = ua ? a.uminl : b.uminl;
      const ub = ult(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
      A.umaxh = ub ? a.umaxh : b.umaxh;
      A.umaxl = ub ? a.umaxl : b.umaxl;
      const sa = slt(b.sminh, b.sminl, a.sminh, a.sminl);
      A.sminh = sa ? a.sminh : b.sminh;
      A.sminl = sa ? a.sminl : b.sminl;
      const sb = slt(a.smaxh, a.smaxl, b.smaxh, b.smaxl);
      A.smaxh = sb ? a.smaxh : b.smaxh;
      A.smaxl = sb ? a.smaxl : b.smaxl;
      Object.assign(B, A);
      return true;
    }
    case 'jne':
      // Only a constant on one side excludes anything: an end of the other's range.
      return excludeConst(A, b, bits) && excludeConst(B, a, bits);
    case 'jgt':
      return raiseUmin(A, b, 1, bits) && lowerUmax(B, a, 1);
    case 'jge':
      return raiseUmin(A, b, 0, bits) && lowerUmax(B, a, 0);
    case 'jlt':
      return lowerUmax(A, b, 1) && raiseUmin(B, a, 1, bits);
    case 'jle':
      return lowerUmax(A, b, 0) && raiseUmin(B, a, 0, bits);
    case 'jsgt':
      return raiseSmin(A, b, 1, bits) && lowerSmax(B, a, 1, bits);
    case 'jsge':
      return raiseSmin(A, b, 0, bits) && lowerSmax(B, a, 0, bits);
    case 'jslt':
      return lowerSmax(A, b, 1, bits) && raiseSmin(B, a, 1, bits);
    case 'jsle':
      return lowerSmax(A, b, 0, bits) && raiseSmin(B, a, 0, bits);
    case 'jset': {
      // Some common bit may be set: impossible when no bit can be set in both.
      if (((a.vh | a.mh) & (b.vh | b.mh)) === 0 && ((a.vl | a.ml) & (b.vl | b.ml)) === 0) return false;
      if (A.uminh === 0 && A.uminl === 0) A.uminl = 1;
      if (b.mh === 0 && b.ml === 0) {
        const l = sub(b.vh, b.vl, 0, 1);
        // A single bit (or none): it must be set.
        if (((b.vh & hi.h) | (b.vl & l)) === 0) {
          const bit = { vh: b.vh, vl: b.vl, mh: highMask(bits) & ~b.vh, ml: ~b.vl };
          if (!tnumIntersect(A, a, bit)) return false;
        }
      }
      return true;
    }
    case 'jnset': {
      if ((a.vh & b.vh) !== 0 || (a.vl & b.vl) !== 0) return false;
      if (b.mh === 0 && b.ml === 0) {
        const clear = { vh: 0, vl: 0, mh: highMask(bits) & ~b.vh, ml: ~b.vl };
        if (!tnumIntersect(A, a, clear)) return false;
      }
      return true;
    }
  }
}

/** `x != k` with k a constant: x loses k where k is an end of its ranges. */
function excludeConst(x: View, k: View, bits: 32 | 64): boolean {
  if (k.mh !== 0 || k.ml !== 0) return true;
  const ch = k.vh;
  const cl = k.vl;
  // The signed reading of k at this width (sign-extended at 32 bits).
  const sh = bits === 64 ? ch : cl < 0 ? ONES : 0;
  if (x.mh === 0 && x.ml === 0 && x.vh === ch && x.vl === cl) return false;
  if (x.uminh === ch && x.uminl === cl) {
    if (isUmax(ch, cl, bits)) return false;
    x.uminl = add(ch, cl, 0, 1);
    x.uminh = hi.h;
  }
  if (x.umaxh === ch && x.umaxl === cl) {
    if (ch === 0 && cl === 0) return false;
    x.umaxl = sub(ch, cl, 0, 1);
    x.umaxh = hi.h;
  }
  if (x.sminh === sh && x.sminl === cl) {
    if (isSmax(sh, cl, bits)) return false;
    x.sminl = add(sh, cl, 0, 1);
    x.sminh = hi.h;
  }
  if (x.smaxh === sh && x.smaxl === cl) {
    if (isSmin(sh, cl, bits)) return false;
    x.smaxl = sub(sh, cl, 0, 1);
    x.smaxh = hi.h;
  }
  return true;
}

/** The condition on two known values. */
function constHolds(c: Cond, ah: number, al: number, bh: number, bl: number, bits: 32 | 64): boolean {
  if (bits === 32) {
    ah = al < 0 ? ONES : 0;
    bh = bl < 0 ? ONES : 0;
  }
  // At 32 bits the high words are the sign extension: unsigned order of the low words is
  // what matters, so compare unsigned on the low words alone.
  const uh = bits === 32 ? 0 : ah;
  const vh = bits === 32 ? 0 : bh;
  switch (c) {
    case 'jeq':
      return uh === vh && al === bl;
    case 'jne':
      return uh !== vh || al !== bl;
    case 'jgt':
      return ult(vh, bl, uh, al);
    case 'jge':
      return ule(vh, bl, uh, al);
    case 'jlt':
      return ult(uh, al, vh, bl);
    case 'jle':
      return ule(uh, al, vh, bl);
    case 'jsgt':
      return slt(bh, bl, ah, al);
    case 'jsge':
      return sle(bh, bl, ah, al);
    case 'jslt':
      return slt(ah, al, bh, bl);
    case 'jsle':
      return sle(ah, al, bh, bl);
    case 'jset':
      return (uh & vh) !== 0 || (al & bl) !== 0;
    case 'jnset':
      return (uh & vh) === 0 && (al & bl) === 0;
  }
}

/**
 * Narrowed copies of `a` and `b` under `a cond b` at `bits` width, written into `outA` and
 * `outB` (which the caller owns: no bounds are allocated per jump); false when that edge is
 * impossible, and the outputs are then meaningless. The inputs are not modified.
 */
export function refineScalars(
  c: Cond,
  a: Bounds,
  b: Bounds,
  bits: 32 | 64,
  outA: Bounds,
  outB: Bounds,
): boolean {
  if (a.mh === 0 && a.ml === 0 && b.mh === 0 && b.ml === 0) {
    if (!constHolds(c, a.vh, a.vl, b.vh, b.vl, bits)) return false;
    setBounds(outA, a);
    setBounds(outB, b);
    return true;
  }
  const va = viewInto(a, bits, VA);
  const vb = viewInto(b, bits, VB);
  const A = viewInto(a, bits, NA);
  const B = viewInto(b, bits, NB);
  if (!refineViews(c, va, vb, A, B, bits)) return false;
  setBounds(outA, a);
  setBounds(outB, b);
  return narrow(outA, A, bits) && narrow(outB, B, bits);
}

/** `BranchMemo.edges`' result: the taken edge is possible, the fall-through edge is possible. */
export const TAKEN = 1;
export const FALLEN = 2;

/**
 * The last operands and narrowed edges of the conditional jump at each instruction
 * (direct-mapped on the instruction index, at most 4096 entries): as for ./scalar-alu.ts's
 * AluMemo, the walk reaches a jump again and again with the operands it had there before, and
 * then gets the same words back instead of narrowing both edges again.
 */
export class BranchMemo {
  private readonly mask: number;
  /** Instruction index of each entry (-1: empty), its condition, width and possible edges. */
  private readonly at: Int32Array;
  private readonly conds: (Cond | undefined)[];
  private readonly widths: Int8Array;
  private readonly edgesOf: Int8Array;
  /** Per entry: the operands, then both edges' narrowed operands (taken, fall-through). */
  private readonly words: Int32Array;

  /** A memo for a program of `insnCount` instructions. */
  constructor(insnCount: number) {
    const slots = memoSlots(insnCount);
    this.mask = slots - 1;
    this.at = new Int32Array(slots).fill(-1);
    this.conds = new Array<Cond | undefined>(slots).fill(undefined);
    this.widths = new Int8Array(slots);
    this.edgesOf = new Int8Array(slots);
    this.words = new Int32Array(slots * 6 * BOUNDS_WORDS);
  }

  /**
   * Both edges of `a cond b` at `bits` width for the jump at `pc` (refineScalars with `cond`
   * and with its negation): TAKEN | FALLEN for the possible ones, whose narrowed operands are
   * written into takenA / takenB and fallenA / fallenB.
   */
  edges(
    pc: number,
    cond: Cond,
    a: Bounds,
    b: Bounds,
    bits: 32 | 64,
    takenA: Bounds,
    takenB: Bounds,
    fallenA: Bounds,
    fallenB: Bounds,
  ): number {
    // Known operands decide the jump at once: nothing to save.
    if (a.mh === 0 && a.ml === 0 && b.mh === 0 && b.ml === 0) {
      const taken = refineScalars(cond, a, b, bits, takenA, takenB);
      return (taken ? TAKEN : 0) | (refineScalars(negate(cond), a, b, bits, fallenA, fallenB) ? FALLEN : 0);
    }
    const slot = pc & this.mask;
    const w = slot * 6 * BOUNDS_WORDS;
    const words = this.words;
    if (
      this.at[slot] === pc &&
      this.conds[slot] === cond &&
      this.widths[slot] === bits &&
      sameBounds(words, w, a) &&
      sameBounds(words, w + BOUNDS_WORDS, b)
    ) {
      const edges = this.edgesOf[slot];
      if (edges & TAKEN) {
        loadBounds(words, w + 2 * BOUNDS_WORDS, takenA);
        loadBounds(words, w + 3 * BOUNDS_WORDS, takenB);
      }
      if (edges & FALLEN) {
        loadBounds(words, w + 4 * BOUNDS_WORDS, fallenA);
        loadBounds(words, w + 5 * BOUNDS_WORDS, fallenB);
      }
      return edges;
    }
    const taken = refineScalars(cond, a, b, bits, takenA, takenB);
    const fallen = refineScalars(negate(cond), a, b, bits, fallenA, fallenB);
    const edges = (taken ? TAKEN : 0) | (fallen ? FALLEN : 0);
    storeBounds(words, w, a);
    storeBounds(words, w + BOUNDS_WORDS, b);
    if (taken) {
      storeBounds(words, w + 2 * BOUNDS_WORDS, takenA);
      storeBounds(words, w + 3 * BOUNDS_WORDS, takenB);
    }
    if (fallen) {
      storeBounds(words, w + 4 * BOUNDS_WORDS, fallenA);
      storeBounds(words, w + 5 * BOUNDS_WORDS, fallenB);
    }
    this.at[slot] = pc;
    this.conds[slot] = cond;
    this.widths[slot] = bits;
    this.edgesOf[slot] = edges;
    return edges;
  }
}

/** A jump's operands at its last visit, and four refinements (edge * 2 + operand) made then. */
interface EdgeRegs<R> {
  pc: number;
  d: R;
  s: R;
  /** The register each refinement narrowed (undefined: none remembered), and the one it made. */
  from: (R | undefined)[];
  to: (R | undefined)[];
}

/**
 * The registers a conditional jump's edges made of its operands at its last visit, per
 * instruction (direct-mapped as BranchMemo; an entry is made when a jump first maps to it).
 * When the same operand registers reach the jump again, each edge narrows them to the same
 * bounds, so the registers made then serve again (registers are never modified once stored):
 * on held-out Cilium 58 % of the registers an edge narrowed were made from the same operands
 * as at the jump's last visit.
 */
export class EdgeRegMemo<R> {
  private readonly mask: number;
  private readonly entries: (EdgeRegs<R> | undefined)[];
  /** The entry of the jump being visited. */
  private cur: EdgeRegs<R> | undefined;

  /** A memo for a program of `insnCount` instructions. */
  constructor(insnCount: number) {
    const slots = memoSlots(insnCount);
    this.mask = slots - 1;
    this.entries = new Array<EdgeRegs<R> | undefined>(slots).fill(undefined);
  }

  /**
   * A visit of the jump at `pc` with operands `d` and `s` (an immediate: the same object for
   * every immediate, which one instruction always has the same of). What was remembered for
   * other operands is forgotten.
   */
  visit(pc: number, d: R, s: R): void {
    const slot = pc & this.mask;
    const e = this.entries[slot];
    if (!e) {
      this.cur = {
        pc,
        d,
        s,
        from: [undefined, undefined, undefined, undefined],
        to: [undefined, undefined, undefined, undefined],
      };
      this.entries[slot] = this.cur;
      return;
    }
    if (e.pc !== pc || e.d !== d || e.s !== s) {
      e.pc = pc;
      e.d = d;
      e.s = s;
      for (let k = 0; k < 4; k++) e.from[k] = undefined;
    }
    this.cur = e;
  }

  /** What refinement `k` of this visit made of `old` before, if it is remembered. */
  get(k: number, old: R): R | undefined {
    const e = this.cur!;
    return e.from[k] === old ? e.to[k] : undefined;
  }

  /** Remember that refinement `k` of this visit made `r` of `old`. */
  set(k: number, old: R, r: R): void {
    const e = this.cur!;
    e.from[k] = old;
    e.to[k] = r;
  }
}
