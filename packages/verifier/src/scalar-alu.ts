/**
 * Transfer functions of the ALU on scalars: given what is known about the operands, what is
 * known about the result. Constants fold exactly; otherwise each operation bounds its result as
 * Linux's scalar_min_max_* do, at the operation's width, and `fromView` zero-extends 32-bit ones.
 * Values are 64-bit word pairs (./u64.ts); see ./testing/reference for the BigInt formulation
 * these functions reproduce bit for bit.
 */
import type { AluOp, EndOp } from '@tbpf/isa';
import { type Bounds, constBounds, fromView, isConst, type View, view } from './bounds.js';
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
  U32,
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

const SIGN = 0x80000000;
const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;

function unknownView(bits: 32 | 64): View {
  return bits === 64
    ? {
        vh: 0,
        vl: 0,
        mh: U32,
        ml: U32,
        uminh: 0,
        uminl: 0,
        umaxh: U32,
        umaxl: U32,
        sminh: SIGN,
        sminl: 0,
        smaxh: S32_MAX,
        smaxl: U32,
      }
    : {
        vh: 0,
        vl: 0,
        mh: 0,
        ml: U32,
        uminh: 0,
        uminl: 0,
        umaxh: 0,
        umaxl: U32,
        sminh: U32,
        sminl: SIGN,
        smaxh: 0,
        smaxl: S32_MAX,
      };
}

// ---- exact operations on concrete values --------------------------------------------------

/** Unsigned a / b (b ≠ 0) or a % b: numbers when both fit in 32 bits, else BigInt (rare). */
function udivmod(ah: number, al: number, bh: number, bl: number, mod: boolean): number {
  if (ah === 0 && bh === 0) {
    hi.h = 0;
    return mod ? al % bl : Math.floor(al / bl);
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
  hi.h = x < 0 ? U32 : 0;
  return x >>> 0;
}

/**
 * The exact result of an ALU operation on concrete values (RFC 9669 semantics), `bits` wide:
 * the low word is returned, the high word left in `hi.h`.
 */
export function evalAlu(op: AluOp, xh: number, xl: number, yh: number, yl: number, bits: 32 | 64): number {
  const w = highMask(bits);
  const ah = (xh & w) >>> 0;
  const bh = (yh & w) >>> 0;
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
        const x = sdivmod(a & SIGN ? U32 : 0, a, b & SIGN ? U32 : 0, b, op === 'smod');
        hi.h = 0;
        return x;
      }
      return sdivmod(ah, a, bh, b, op === 'smod');
    }
    case 'or':
      hi.h = (ah | bh) >>> 0;
      return (a | b) >>> 0;
    case 'and':
      hi.h = (ah & bh) >>> 0;
      return (a & b) >>> 0;
    case 'xor':
      hi.h = (ah ^ bh) >>> 0;
      return (a ^ b) >>> 0;
    case 'lsh':
      l = shl(ah, a, sh);
      break;
    case 'rsh':
      return shr(ah, a, sh);
    case 'arsh':
      if (bits === 32) {
        hi.h = 0;
        return ((a | 0) >> sh) >>> 0;
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
  hi.h = (hi.h & w) >>> 0;
  return l;
}

// ---- bounds arithmetic with overflow detection ---------------------------------------------

/** a + b (unsigned) when it fits in `bits` bits: the low word (high in hi.h); -1 otherwise. */
function uaddFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): number {
  if (bits === 32) {
    const x = al + bl;
    hi.h = 0;
    return x > U32 ? -1 : x;
  }
  return addCarries(ah, al, bh, bl) ? -1 : add(ah, al, bh, bl);
}

/** a + b (signed) when it fits in `bits` bits: the low word (high in hi.h); -1 otherwise. */
function saddFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): number {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) + toSignedNumber(bh, bl);
    return x < S32_MIN || x > S32_MAX ? -1 : fromNumber(x);
  }
  const l = add(ah, al, bh, bl);
  return ((ah ^ bh) & SIGN) === 0 && ((ah ^ hi.h) & SIGN) !== 0 ? -1 : l;
}

/** a - b (signed) when it fits in `bits` bits: the low word (high in hi.h); -1 otherwise. */
function ssubFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): number {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) - toSignedNumber(bh, bl);
    return x < S32_MIN || x > S32_MAX ? -1 : fromNumber(x);
  }
  const l = sub(ah, al, bh, bl);
  return ((ah ^ bh) & SIGN) !== 0 && ((ah ^ hi.h) & SIGN) !== 0 ? -1 : l;
}

/** a * b (signed) when it fits in `bits` bits: the low word (high in hi.h); -1 otherwise. */
function smulFit(ah: number, al: number, bh: number, bl: number, bits: 32 | 64): number {
  if (bits === 32) {
    const x = toSignedNumber(ah, al) * toSignedNumber(bh, bl);
    return x < S32_MIN || x > S32_MAX ? -1 : fromNumber(x);
  }
  const negA = (ah & SIGN) !== 0;
  const negB = (bh & SIGN) !== 0;
  const mal = negA ? neg(ah, al) : al;
  const mah = negA ? hi.h : ah;
  const mbl = negB ? neg(bh, bl) : bl;
  const mbh = negB ? hi.h : bh;
  if (mulOverflows(mah, mal, mbh, mbl)) return -1;
  const pl = mul(mah, mal, mbh, mbl);
  const ph = hi.h;
  if (negA !== negB) {
    // |product| ≤ 2^63
    if (ph > SIGN || (ph === SIGN && pl !== 0)) return -1;
    return neg(ph, pl);
  }
  if (ph >= SIGN) return -1;
  hi.h = ph;
  return pl;
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
  const maxl = uaddFit(a.umaxh, a.umaxl, b.umaxh, b.umaxl, bits);
  if (maxl >= 0) {
    const maxh = hi.h;
    const minl = add(a.uminh, a.uminl, b.uminh, b.uminl);
    setU(r, hi.h, minl, maxh, maxl);
  }
  const sminl = saddFit(a.sminh, a.sminl, b.sminh, b.sminl, bits);
  const sminh = hi.h;
  if (sminl < 0) return;
  const smaxl = saddFit(a.smaxh, a.smaxl, b.smaxh, b.smaxl, bits);
  if (smaxl >= 0) setS(r, sminh, sminl, hi.h, smaxl);
}

function viewSub(r: View, a: View, b: View, bits: 32 | 64): void {
  tnumSub(r, a, b, bits);
  if (!ult(a.uminh, a.uminl, b.umaxh, b.umaxl)) {
    const minl = sub(a.uminh, a.uminl, b.umaxh, b.umaxl);
    const minh = hi.h;
    const maxl = sub(a.umaxh, a.umaxl, b.uminh, b.uminl);
    setU(r, minh, minl, hi.h, maxl);
  }
  const sminl = ssubFit(a.sminh, a.sminl, b.smaxh, b.smaxl, bits);
  const sminh = hi.h;
  if (sminl < 0) return;
  const smaxl = ssubFit(a.smaxh, a.smaxl, b.sminh, b.sminl, bits);
  if (smaxl >= 0) setS(r, sminh, sminl, hi.h, smaxl);
}

function viewMul(r: View, a: View, b: View, bits: 32 | 64): void {
  tnumMul(r, a, b, bits);
  const fitsU = bits === 32 ? a.umaxl * b.umaxl <= U32 : !mulOverflows(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
  if (fitsU) {
    const minl = mul(a.uminh, a.uminl, b.uminh, b.uminl);
    const minh = hi.h;
    const maxl = mul(a.umaxh, a.umaxl, b.umaxh, b.umaxl);
    setU(r, minh, minl, hi.h, maxl);
  }
  // The four corners of the signed ranges, all of which must fit.
  const ch: number[] = [0, 0, 0, 0];
  const cl: number[] = [0, 0, 0, 0];
  const xs = [a.sminh, a.sminl, a.sminh, a.sminl, a.smaxh, a.smaxl, a.smaxh, a.smaxl];
  const ys = [b.sminh, b.sminl, b.smaxh, b.smaxl, b.sminh, b.sminl, b.smaxh, b.smaxl];
  for (let i = 0; i < 4; i++) {
    const l = smulFit(xs[2 * i], xs[2 * i + 1], ys[2 * i], ys[2 * i + 1], bits);
    if (l < 0) return;
    ch[i] = hi.h;
    cl[i] = l;
  }
  let lo = 0;
  let hiI = 0;
  for (let i = 1; i < 4; i++) {
    if (slt(ch[i], cl[i], ch[lo], cl[lo])) lo = i;
    if (slt(ch[hiI], cl[hiI], ch[i], cl[i])) hiI = i;
  }
  setS(r, ch[lo], cl[lo], ch[hiI], cl[hiI]);
}

function viewOp(op: AluOp, a: View, b: View, bits: 32 | 64): View {
  const r = unknownView(bits);
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
      setU(
        r,
        aLarger ? a.uminh : b.uminh,
        aLarger ? a.uminl : b.uminl,
        (r.vh | r.mh) >>> 0,
        (r.vl | r.ml) >>> 0,
      );
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
      const atMin = bits === 64 ? a.sminh === SIGN && a.sminl === 0 : a.sminh === U32 && a.sminl === SIGN;
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
      const lowMask = n === 32 ? U32 : 2 ** n - 1;
      // Sign bit known clear: the value is the zero-extended low bits.
      if (((b.vl | b.ml) & lim) === 0) {
        r.vh = 0;
        r.vl = (b.vl & lowMask) >>> 0;
        r.mh = 0;
        r.ml = (b.ml & lowMask) >>> 0;
        setU(r, 0, 0, 0, lim - 1);
        setS(r, 0, 0, 0, lim - 1);
      } else setS(r, U32, -lim >>> 0, 0, lim - 1);
      return r;
    }
    default:
      // sdiv, smod: only constants are tracked
      return r;
  }
}

/** `dst = dst op src` at `bits` width for scalar operands. */
export function scalarAlu(op: AluOp, dst: Bounds, src: Bounds, bits: 32 | 64): Bounds {
  // RFC 9669 masks shift amounts to the operation's width.
  if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && isConst(src))
    src = constBounds(0, src.vl & (bits - 1));
  if (
    (isConst(dst) || op === 'mov' || op === 'movsx8' || op === 'movsx16' || op === 'movsx32') &&
    isConst(src)
  ) {
    const l = evalAlu(op, dst.vh, dst.vl, src.vh, src.vl, bits);
    return constBounds(hi.h, l);
  }
  if (op === 'neg' && isConst(dst)) {
    const l = evalAlu(op, dst.vh, dst.vl, 0, 0, bits);
    return constBounds(hi.h, l);
  }
  return fromView(viewOp(op, view(dst, bits), view(src, bits), bits), bits);
}

const swap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
const swap32 = (x: number): number =>
  (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** `dst = le/be/bswap(dst)` for a scalar, on a little-endian machine. */
export function scalarEnd(op: EndOp, bitsN: 16 | 32 | 64, dst: Bounds): Bounds {
  const lowMask = bitsN === 16 ? 0xffff : U32;
  if (op === 'le') {
    if (bitsN === 64) return dst;
    const low = constBounds(0, lowMask);
    return fromView(viewOp('and', view(dst, 64), view(low, 64), 64), 64);
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

/** The immediate operand of an ALU instruction as a scalar (sign-extended for 64-bit ops). */
export function immBounds(imm: number, bits: 32 | 64): Bounds {
  return constBounds(bits === 64 && imm < 0 ? U32 : 0, imm >>> 0);
}
