/**
 * Transfer functions of the ALU on scalars: given what is known about the operands, what is
 * known about the result. Constants fold exactly; otherwise each operation bounds its result as
 * Linux's scalar_min_max_* do, at the operation's width, and `fromView` zero-extends 32-bit ones.
 * Values are 64-bit word pairs (./u64.ts); see ./testing/reference for the BigInt formulation
 * these functions reproduce bit for bit.
 */
import type { AluOp, EndOp } from '@tbpf/isa';
import {
  BOUNDS_WORDS,
  type Bounds,
  constBounds,
  fromView,
  isConst,
  memoSlots,
  newView,
  sameBounds,
  setConst,
  storeBounds,
  type View,
  viewInto,
} from './bounds.js';
import {
  highMask,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumLshift,
  tnumMul,
  tnumOr,
  tnumRshift,
  tnumSub,
  tnumXor,
} from './tnum.js';
import {
  add,
  addCarries,
  bitLength,
  fromBigInt,
  fromNumber,
  hi,
  mul,
  mulOverflows,
  neg,
  ONES,
  SIGN,
  sar,
  shl,
  shr,
  slt,
  sub,
  toBigInt,
  toNumber,
  toSignedNumber,
  ult,
} from './u64.js';

const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;

/** `r` set to the unknown value of `bits` width (and returned). */
function unknownView(bits: 32 | 64, r: View = newView()): View {
  const h = bits === 64 ? ONES : 0;
  r.vh = 0;
  r.vl = 0;
  r.mh = h;
  r.ml = ONES;
  r.uminh = 0;
  r.uminl = 0;
  r.umaxh = h;
  r.umaxl = ONES;
  r.sminh = bits === 64 ? SIGN : ONES;
  r.sminl = bits === 64 ? 0 : SIGN;
  r.smaxh = bits === 64 ? S32_MAX : 0;
  r.smaxl = bits === 64 ? ONES : S32_MAX;
  return r;
}

// Views of the operands and the result, reused by every operation (fromView copies the result).
const VA = newView();
const VB = newView();
const VR = newView();
/** A known shift amount masked to the operation's width (scalarAlu). */
const SHIFT = constBounds(0, 0);

// ---- exact operations on concrete values --------------------------------------------------

/** Unsigned a / b (b ≠ 0) or a % b: numbers when both fit in 32 bits, else BigInt (rare). */
function udivmod(ah: number, al: number, bh: number, bl: number, mod: boolean): number {
  if (ah === 0 && bh === 0) {
    hi.h = 0;
    return (mod ? (al >>> 0) % (bl >>> 0) : Math.floor((al >>> 0) / (bl >>> 0))) | 0;
  }
  const a = toBigInt(ah, al);
  const b = toBigInt(bh, bl);
  return fromBigInt(mod ? a % b : a / b);
}

/** Signed a / b (b ≠ 0) or a % b, truncating, modulo 2^64 (int32 operands take a fast path). */
function sdivmod(ah: number, al: number, bh: number, bl: number, mod: boolean): number {
  const sa = toSignedNumber(ah, al);
  const sb = toSignedNumber(bh, bl);
  if (sa >= S32_MIN && sa <= S32_MAX && sb >= S32_MIN && sb <= S32_MAX)
    return fromNumber(mod ? sa % sb : Math.trunc(sa / sb));
  const a = BigInt.asIntN(64, toBigInt(ah, al));
  const b = BigInt.asIntN(64, toBigInt(bh, bl));
  return fromBigInt(mod ? a % b : a / b);
}

/** The low `n` bits of (h, l) sign-extended to 64 bits (n = 8, 16, 32). */
function signExtend(l: number, n: number): number {
  const x = n === 32 ? l | 0 : (l << (32 - n)) >> (32 - n);
  hi.h = x < 0 ? ONES : 0;
  return x;
}

/**
 * The exact result of an ALU operation on concrete values (RFC 9669 semantics), `bits` wide:
 * the low word is returned, the high word left in `hi.h`.
 */
export function evalAlu(op: AluOp, xh: number, xl: number, yh: number, yl: number, bits: 32 | 64): number {
  const w = highMask(bits);
  const ah = xh & w;
  const bh = yh & w;
  const a = xl;
  const b = yl;
  const sh = b & (bits - 1);
  let l: number;
  switch (op) {
    case 'add':
      l = add(ah, a, bh, b);
      break;
    case 'sub':
      l = sub(ah, a, bh, b);
      break;
    case 'mul':
      l = mul(ah, a, bh, b);
      break;
    case 'div':
      if (bh === 0 && b === 0) {
        hi.h = 0;
        return 0;
      }
      return udivmod(ah, a, bh, b, false);
    case 'mod':
      if (bh === 0 && b === 0) {
        hi.h = ah;
        return a;
      }
      return udivmod(ah, a, bh, b, true);
    case 'sdiv':
    case 'smod': {
      if (bh === 0 && b === 0) {
        hi.h = op === 'smod' ? ah : 0;
        return op === 'smod' ? a : 0;
      }
      if (bits === 32) {
        const x = sdivmod(a < 0 ? ONES : 0, a, b < 0 ? ONES : 0, b, op === 'smod');
        hi.h = 0;
        return x;
      }
      return sdivmod(ah, a, bh, b, op === 'smod');
    }
    case 'or':
      hi.h = ah | bh;
      return a | b;
    case 'and':
      hi.h = ah & bh;
      return a & b;
    case 'xor':
      hi.h = ah ^ bh;
      return a ^ b;
    case 'lsh':
      l = shl(ah, a, sh);
      break;
    case 'rsh':
      return shr(ah, a, sh);
    case 'arsh':
      if (bits === 32) {
        hi.h = 0;
        return a >> sh;
      }
      return sar(ah, a, sh);
    case 'neg':
      l = neg(ah, a);
      break;
    case 'mov':
      hi.h = bh;
      return b;
    case 'movsx8':
      l = signExtend(b, 8);
      break;
    case 'movsx16':
      l = signExtend(b, 16);
      break;
    case 'movsx32':
      l = signExtend(b, 32);
      break;
  }
  hi.h = hi.h & w;
  return l;
}

// ---- bounds arithmetic with overflow detection ---------------------------------------------

/** The result words of the `…Fit` functions below (valid when they return true). */
const R = { h: 0, l: 0 };

function setR(l: number): true {
  R.l = l;
  R.h = hi.h;
  return true;
}

/** a + b (unsigned) into R when it fits in `bits` bits. */
function uaddFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): boolean {
  if (bits === 32) {
    const x = (al >>> 0) + (bl >>> 0);
    hi.h = 0;
    return x <= 0xffffffff && setR(x | 0);
  }
  return !addCarries(ah, al, bh, bl) && setR(add(ah, al, bh, bl));
}

/** a + b (signed) into R when it fits in `bits` bits. */
function saddFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): boolean {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) + toSignedNumber(bh, bl);
    return x >= S32_MIN && x <= S32_MAX && setR(fromNumber(x));
  }
  const l = add(ah, al, bh, bl);
  return !(((ah ^ bh) & SIGN) === 0 && ((ah ^ hi.h) & SIGN) !== 0) && setR(l);
}

/** a - b (signed) into R when it fits in `bits` bits. */
function ssubFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): boolean {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) - toSignedNumber(bh, bl);
    return x >= S32_MIN && x <= S32_MAX && setR(fromNumber(x));
  }
  const l = sub(ah, al, bh, bl);
  return !(((ah ^ bh) & SIGN) !== 0 && ((ah ^ hi.h) & SIGN) !== 0) && setR(l);
}

/** a * b (signed) into R when it fits in `bits` bits. */
function smulFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): boolean {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) * toSignedNumber(bh, bl);
    return x >= S32_MIN && x <= S32_MAX && setR(fromNumber(x));
  }
  const negA = ah < 0;
  const negB = bh < 0;
  const mal = negA ? neg(ah, al) : al;
  const mah = negA ? hi.h : ah;
  const mbl = negB ? neg(bh, bl) : bl;
  const mbh = negB ? hi.h : bh;
  if (mulOverflows(mah, mal, mbh, mbl)) return false;
  const pl = mul(mah, mal, mbh, mbl);
  const ph = hi.h;
  // The magnitude must fit: below 2^63, or exactly 2^63 for a negative product.
  if (negA !== negB) return (ph >= 0 || (ph === SIGN && pl === 0)) && setR(neg(ph, pl));
  hi.h = ph;
  return ph >= 0 && setR(pl);
}

/** Set r's unsigned bounds. */
function setU(r: View, minh: number, minl: number, maxh: number, maxl: number): void {
  r.uminh = minh;
  r.uminl = minl;
  r.umaxh = maxh;
  r.umaxl = maxl;
}

/** Set r's signed bounds. */
function setS(r: View, minh: number, minl: number, maxh: number, maxl: number): void {
  r.sminh = minh;
  r.sminl = minl;
  r.smaxh = maxh;
  r.smaxl = maxl;
}

function viewAdd(r: View, a: View, b: View, bits: 32 | 64): void {
  tnumAdd(r, a, b, bits);
  if (uaddFit(a.umaxh, a.umaxl, b.umaxh, b.umaxl, bits)) {
    const maxh = R.h;
    const maxl = R.l;
    const minl = add(a.uminh, a.uminl, b.uminh, b.uminl);
    setU(r, hi.h, minl, maxh, maxl);
  }
  if (!saddFit(a.sminh, a.sminl, b.sminh, b.sminl, bits)) return;
  const sminh = R.h;
  const sminl = R.l;
  if (saddFit(a.smaxh, a.smaxl, b.smaxh, b.smaxl, bits)) setS(r, sminh, sminl, R.h, R.l);
}

function viewSub(r: View, a: View, b: View, bits: 32 | 64): void {
  tnumSub(r, a, b, bits);
  if (!ult(a.uminh, a.uminl, b.umaxh, b.umaxl)) {
    const minl = sub(a.uminh, a.uminl, b.umaxh, b.umaxl);
    const minh = hi.h;
    const maxl = sub(a.umaxh, a.umaxl, b.uminh, b.uminl);
    setU(r, minh, minl, hi.h, maxl);
  }
  if (!ssubFit(a.sminh, a.sminl, b.smaxh, b.smaxl, bits)) return;
  const sminh = R.h;
  const sminl = R.l;
  if (ssubFit(a.smaxh, a.smaxl, b.sminh, b.sminl, bits)) setS(r, sminh, sminl, R.h, R.l);
}

// The signed corners of a product (high and low words), reused.
const CH = [0, 0, 0, 0];
const CL = [0, 0, 0, 0];

function viewMul(r: View, a: View, b: View, bits: 32 | 64): void {
  tnumMul(r, a, b, bits);
  const fitsU =
    bits === 32
      ? (a.umaxl >>> 0) * (b.umaxl >>> 0) <= 0xffffffff
      : !mulOverflows(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
  if (fitsU) {
    const minl = mul(a.uminh, a.uminl, b.uminh, b.uminl);
    const minh = hi.h;
    const maxl = mul(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
    setU(r, minh, minl, hi.h, maxl);
  }
  // The four corners of the signed ranges, all of which must fit.
  for (let i = 0; i < 4; i++) {
    const x = i < 2;
    const y = i % 2 === 0;
    if (
      !smulFit(
        x ? a.sminh : a.smaxh,
        x ? a.sminl : a.smaxl,
        y ? b.sminh : b.smaxh,
        y ? b.sminl : b.smaxl,
        bits,
      )
    )
      return;
    CH[i] = R.h;
    CL[i] = R.l;
  }
  let lo = 0;
  let top = 0;
  for (let i = 1; i < 4; i++) {
    if (slt(CH[i], CL[i], CH[lo], CL[lo])) lo = i;
    if (slt(CH[top], CL[top], CH[i], CL[i])) top = i;
  }
  setS(r, CH[lo], CL[lo], CH[top], CL[top]);
}

function viewOp(op: AluOp, a: View, b: View, bits: 32 | 64): View {
  const r = unknownView(bits, VR);
  switch (op) {
    case 'add':
      viewAdd(r, a, b, bits);
      return r;
    case 'sub':
      viewSub(r, a, b, bits);
      return r;
    case 'mul':
      viewMul(r, a, b, bits);
      return r;
    case 'and': {
      tnumAnd(r, a, b);
      const aSmaller = ult(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
      setU(r, r.vh, r.vl, aSmaller ? a.umaxh : b.umaxh, aSmaller ? a.umaxl : b.umaxl);
      return r;
    }
    case 'or': {
      tnumOr(r, a, b);
      const aLarger = ult(b.uminh, b.uminl, a.uminh, a.uminl);
      setU(r, aLarger ? a.uminh : b.uminh, aLarger ? a.uminl : b.uminl, r.vh | r.mh, r.vl | r.ml);
      return r;
    }
    case 'xor':
      tnumXor(r, a, b);
      return r;
    case 'lsh': {
      if (toNumber(b.umaxh, b.umaxl) >= bits) return r;
      if (b.mh === 0 && b.ml === 0) tnumLshift(r, a, b.vl, bits);
      else tnumLshift(r, unknownView(bits), b.uminl, bits);
      if (bitLength(a.umaxh, a.umaxl) + b.umaxl <= bits || (a.umaxh === 0 && a.umaxl === 0)) {
        const minl = shl(a.uminh, a.uminl, b.uminl);
        const minh = hi.h;
        const maxl = shl(a.umaxh, a.umaxl, b.umaxl);
        setU(r, minh, minl, hi.h, maxl);
      }
      return r;
    }
    case 'rsh': {
      if (toNumber(b.umaxh, b.umaxl) >= bits) return r;
      if (b.mh === 0 && b.ml === 0) tnumRshift(r, a, b.vl);
      const minl = shr(a.uminh, a.uminl, b.umaxl);
      const minh = hi.h;
      const maxl = shr(a.umaxh, a.umaxl, b.uminl);
      setU(r, minh, minl, hi.h, maxl);
      return r;
    }
    case 'arsh': {
      if (toNumber(b.umaxh, b.umaxl) >= bits) return r;
      if (b.mh === 0 && b.ml === 0) tnumArshift(r, a, b.vl, bits);
      const l1 = sar(a.sminh, a.sminl, b.uminl);
      const h1 = hi.h;
      const l2 = sar(a.sminh, a.sminl, b.umaxl);
      const h2 = hi.h;
      const l3 = sar(a.smaxh, a.smaxl, b.uminl);
      const h3 = hi.h;
      const l4 = sar(a.smaxh, a.smaxl, b.umaxl);
      const h4 = hi.h;
      const minFirst = slt(h1, l1, h2, l2);
      const maxFirst = slt(h4, l4, h3, l3);
      setS(r, minFirst ? h1 : h2, minFirst ? l1 : l2, maxFirst ? h3 : h4, maxFirst ? l3 : l4);
      return r;
    }
    case 'div':
      // Division by zero gives 0; otherwise the quotient shrinks.
      if (b.uminh !== 0 || b.uminl !== 0) {
        const minl = udivmod(a.uminh, a.uminl, b.umaxh, b.umaxl, false);
        const minh = hi.h;
        const maxl = udivmod(a.umaxh, a.umaxl, b.uminh, b.uminl, false);
        setU(r, minh, minl, hi.h, maxl);
      } else setU(r, 0, 0, a.umaxh, a.umaxl);
      return r;
    case 'mod':
      // Modulo by zero leaves the dividend; otherwise the remainder is below the divisor.
      if (b.uminh !== 0 || b.uminl !== 0) {
        const bl = sub(b.umaxh, b.umaxl, 0, 1);
        const bh = hi.h;
        const aSmaller = ult(a.umaxh, a.umaxl, bh, bl);
        r.umaxh = aSmaller ? a.umaxh : bh;
        r.umaxl = aSmaller ? a.umaxl : bl;
      } else {
        r.umaxh = a.umaxh;
        r.umaxl = a.umaxl;
      }
      return r;
    case 'neg': {
      tnumSub(r, { vh: 0, vl: 0, mh: 0, ml: 0 }, a, bits);
      const atMin = bits === 64 ? a.sminh === SIGN && a.sminl === 0 : a.sminh === ONES && a.sminl === SIGN;
      if (!atMin) {
        const minl = neg(a.smaxh, a.smaxl);
        const minh = hi.h;
        const maxl = neg(a.sminh, a.sminl);
        setS(r, minh, minl, hi.h, maxl);
      }
      return r;
    }
    case 'mov':
      return b;
    case 'movsx8':
    case 'movsx16':
    case 'movsx32': {
      const n = op === 'movsx8' ? 8 : op === 'movsx16' ? 16 : 32;
      const lim = 2 ** (n - 1);
      const lowMask = n === 32 ? ONES : 2 ** n - 1;
      // Sign bit known clear: the value is the zero-extended low bits.
      if (((b.vl | b.ml) & lim) === 0) {
        r.vh = 0;
        r.vl = b.vl & lowMask;
        r.mh = 0;
        r.ml = b.ml & lowMask;
        setU(r, 0, 0, 0, lim - 1);
        setS(r, 0, 0, 0, lim - 1);
      } else if (b.sminl >= -lim && b.smaxl <= lim - 1) {
        // (b is the 32-bit view: its signed bounds are int32s.) Every value already has its n-bit
        // sign extension's value: the range passes through (Linux's coerce_reg_to_size_sx).
        setS(r, b.sminh, b.sminl, b.smaxh, b.smaxl);
      } else setS(r, ONES, -lim | 0, 0, lim - 1);
      return r;
    }
    default:
      // sdiv, smod: only constants are tracked
      return r;
  }
}

/**
 * `dst = dst op src` at `bits` width for scalar operands, written into `out` (a new Bounds by
 * default; it may be a fresh register) and returned.
 */
export function scalarAlu(op: AluOp, dst: Bounds, src: Bounds, bits: 32 | 64, out?: Bounds): Bounds {
  // RFC 9669 masks shift amounts to the operation's width.
  if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && isConst(src))
    src = setConst(SHIFT, 0, src.vl & (bits - 1));
  if (
    (isConst(dst) || op === 'mov' || op === 'movsx8' || op === 'movsx16' || op === 'movsx32') &&
    isConst(src)
  ) {
    const l = evalAlu(op, dst.vh, dst.vl, src.vh, src.vl, bits);
    return out ? setConst(out, hi.h, l) : constBounds(hi.h, l);
  }
  if (op === 'neg' && isConst(dst)) {
    const l = evalAlu(op, dst.vh, dst.vl, 0, 0, bits);
    return out ? setConst(out, hi.h, l) : constBounds(hi.h, l);
  }
  // movsx reads at most the low 32 bits: their view keeps the 32-bit signed range.
  const srcBits = op === 'movsx8' || op === 'movsx16' || op === 'movsx32' ? 32 : bits;
  return fromView(viewOp(op, viewInto(dst, bits, VA), viewInto(src, srcBits, VB), bits), bits, out);
}

const swap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
const swap32 = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

/** `dst = le/be/bswap(dst)` for a scalar, on a little-endian machine. */
export function scalarEnd(op: EndOp, bitsN: 16 | 32 | 64, dst: Bounds): Bounds {
  const lowMask = bitsN === 16 ? 0xffff : ONES;
  if (op === 'le') {
    if (bitsN === 64) return dst;
    const low = constBounds(0, lowMask);
    return fromView(viewOp('and', viewInto(dst, 64, VA), viewInto(low, 64, VB), 64), 64);
  }
  if (isConst(dst)) {
    if (bitsN === 16) return constBounds(0, swap16(dst.vl));
    if (bitsN === 32) return constBounds(0, swap32(dst.vl));
    return constBounds(swap32(dst.vl), swap32(dst.vh));
  }
  const r = unknownView(64);
  if (bitsN !== 64) {
    r.mh = 0;
    r.ml = lowMask;
    setU(r, 0, 0, 0, lowMask);
    setS(r, 0, 0, 0, lowMask);
  }
  return fromView(r, 64);
}

/**
 * The last operands and result of the scalar ALU operation at each instruction (direct-mapped
 * on the instruction index, at most 4096 entries). A walk reaches most instructions again and
 * again with the same values — one path after another through the same code —, so `scalarAlu`
 * is asked the same question: on Cilium's programs 80 % of the operations repeat the last ones
 * of their instruction. The result is then the same object (results are shared, so never
 * modified: registers are immutable once stored in a state).
 *
 * Known operands fold at once, but the result register is shared too when the instruction
 * folded to the same value last time (a move of an immediate always does): 42 % of the
 * operations on held-out Cilium fold, each of which made a register.
 */
export class AluMemo<B extends Bounds> {
  private readonly mask: number;
  /** Instruction index of each entry (-1: empty), its operation, width, operands and result. */
  private readonly at: Int32Array;
  private readonly ops: (AluOp | undefined)[];
  private readonly widths: Int8Array;
  private readonly operands: Int32Array;
  private readonly results: (B | undefined)[];
  /** Instruction index of each entry's last folded result (-1: none), and that result. */
  private readonly foldedAt: Int32Array;
  private readonly folded: (B | undefined)[];

  /** A memo for a program of `insnCount` instructions; `fresh` makes a result to write into. */
  constructor(
    insnCount: number,
    private readonly fresh: () => B,
  ) {
    const slots = memoSlots(insnCount);
    this.mask = slots - 1;
    this.at = new Int32Array(slots).fill(-1);
    this.ops = new Array<AluOp | undefined>(slots).fill(undefined);
    this.widths = new Int8Array(slots);
    this.operands = new Int32Array(slots * 2 * BOUNDS_WORDS);
    this.results = new Array<B | undefined>(slots).fill(undefined);
    this.foldedAt = new Int32Array(slots).fill(-1);
    this.folded = new Array<B | undefined>(slots).fill(undefined);
  }

  /** `scalarAlu(op, dst, src, bits)` for the instruction at `pc`, shared (never to be modified). */
  alu(pc: number, op: AluOp, dst: Bounds, src: Bounds, bits: 32 | 64): B {
    const slot = pc & this.mask;
    if (isConst(dst) && isConst(src)) {
      // scalarAlu's folding (evalAlu masks shift amounts itself); a known value's register is
      // the same whatever made it.
      const l = evalAlu(op, dst.vh, dst.vl, src.vh, src.vl, bits);
      const h = hi.h;
      const last = this.folded[slot];
      if (last && this.foldedAt[slot] === pc && last.vh === h && last.vl === l) return last;
      const out = setConst(this.fresh(), h, l) as B;
      this.foldedAt[slot] = pc;
      this.folded[slot] = out;
      return out;
    }
    const w = slot * 2 * BOUNDS_WORDS;
    const cached = this.results[slot];
    if (
      cached &&
      this.at[slot] === pc &&
      this.ops[slot] === op &&
      this.widths[slot] === bits &&
      sameBounds(this.operands, w, dst) &&
      sameBounds(this.operands, w + BOUNDS_WORDS, src)
    ) {
      return cached;
    }
    const out = scalarAlu(op, dst, src, bits, this.fresh()) as B;
    storeBounds(this.operands, w, dst);
    storeBounds(this.operands, w + BOUNDS_WORDS, src);
    this.at[slot] = pc;
    this.ops[slot] = op;
    this.widths[slot] = bits;
    this.results[slot] = out;
    return out;
  }
}
