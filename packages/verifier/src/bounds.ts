/**
 * Scalar value tracking as in Linux's `struct bpf_reg_state`: a tnum plus signed and unsigned
 * bounds for the full 64-bit value and for its low 32 bits (the subregister). `sync` makes the
 * nine facts agree with each other (Linux's reg_bounds_sync); every transfer function is
 * written for one operation width through a `View` (the 32- or 64-bit projection).
 *
 * 64-bit quantities are pairs of 32-bit words (`…h`/`…l`) and the 32-bit bounds single words,
 * all stored as int32 (see ./u64.ts: no BigInt, no boxed numbers); u32min/u32max are unsigned
 * quantities stored that way too, s32min/s32max are plain int32.
 * The results are bit for bit those of the BigInt formulation in ./testing/reference (a
 * property test compares them).
 */
import { rangeMaskHigh, rangeMaskLow, type Tnum, tnumIntersect, tnumStr } from './tnum.js';
import {
  bitLength,
  ONES,
  SIGN,
  sle,
  slt,
  toBigInt,
  toNumber,
  toSignedNumber,
  ule,
  ult,
  ult32,
} from './u64.js';

export interface Bounds extends Tnum {
  uminh: number;
  uminl: number;
  umaxh: number;
  umaxl: number;
  sminh: number;
  sminl: number;
  smaxh: number;
  smaxl: number;
  u32min: number;
  u32max: number;
  s32min: number;
  s32max: number;
}

/**
 * One width's projection: tnum and bounds as 64-bit word pairs. At 32 bits the unsigned
 * quantities have high word 0 and the signed ones are sign-extended.
 */
export interface View extends Tnum {
  uminh: number;
  uminl: number;
  umaxh: number;
  umaxl: number;
  sminh: number;
  sminl: number;
  smaxh: number;
  smaxl: number;
}

const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;
/** max / min of two words read unsigned. */
const umax32 = (a: number, b: number): number => (ult32(a, b) ? b : a);
const umin32 = (a: number, b: number): number => (ult32(a, b) ? a : b);

export function unknownBounds(): Bounds {
  return {
    vh: 0,
    vl: 0,
    mh: ONES,
    ml: ONES,
    uminh: 0,
    uminl: 0,
    umaxh: ONES,
    umaxl: ONES,
    sminh: SIGN,
    sminl: 0,
    smaxh: S32_MAX,
    smaxl: ONES,
    u32min: 0,
    u32max: ONES,
    s32min: S32_MIN,
    s32max: S32_MAX,
  };
}

/** The bounds of the single value with words (h, l). */
export function constBounds(h: number, l: number): Bounds {
  return {
    vh: h,
    vl: l,
    mh: 0,
    ml: 0,
    uminh: h,
    uminl: l,
    umaxh: h,
    umaxl: l,
    sminh: h,
    sminl: l,
    smaxh: h,
    smaxl: l,
    u32min: l,
    u32max: l,
    s32min: l | 0,
    s32max: l | 0,
  };
}

/** A copy of the bounds of `b` alone (a register's other fields left out). */
export function boundsCopy(b: Bounds): Bounds {
  return {
    vh: b.vh,
    vl: b.vl,
    mh: b.mh,
    ml: b.ml,
    uminh: b.uminh,
    uminl: b.uminl,
    umaxh: b.umaxh,
    umaxl: b.umaxl,
    sminh: b.sminh,
    sminl: b.sminl,
    smaxh: b.smaxh,
    smaxl: b.smaxl,
    u32min: b.u32min,
    u32max: b.u32max,
    s32min: b.s32min,
    s32max: b.s32max,
  };
}

/** `out`'s bounds set to those of `b` (its other fields untouched). */
export function setBounds(out: Bounds, b: Bounds): void {
  out.vh = b.vh;
  out.vl = b.vl;
  out.mh = b.mh;
  out.ml = b.ml;
  out.uminh = b.uminh;
  out.uminl = b.uminl;
  out.umaxh = b.umaxh;
  out.umaxl = b.umaxl;
  out.sminh = b.sminh;
  out.sminl = b.sminl;
  out.smaxh = b.smaxh;
  out.smaxl = b.smaxl;
  out.u32min = b.u32min;
  out.u32max = b.u32max;
  out.s32min = b.s32min;
  out.s32max = b.s32max;
}

/** The bounds of a small integer (|x| < 2^53), e.g. an offset or an immediate. */
export function constBoundsOf(x: number): Bounds {
  const h = Math.floor(x / 4294967296);
  return constBounds(h | 0, (x - h * 4294967296) | 0);
}

export const isConst = (b: Tnum): boolean => b.mh === 0 && b.ml === 0;

// ---- number views of the bounds, for checks against small limits ----------------------------
// Exact within ±2^53 and order-preserving beyond, so comparisons with small limits are exact.

export const uminOf = (b: Bounds): number => toNumber(b.uminh, b.uminl);
export const umaxOf = (b: Bounds): number => toNumber(b.umaxh, b.umaxl);
export const sminOf = (b: Bounds): number => toSignedNumber(b.sminh, b.sminl);
export const smaxOf = (b: Bounds): number => toSignedNumber(b.smaxh, b.smaxl);
/** A constant's value read as signed 64 bits. */
export const constSigned = (b: Tnum): number => toSignedNumber(b.vh, b.vl);
/** smin is S64_MIN: nothing is known below. */
export const sminUnbounded = (b: Bounds): boolean => b.sminh === SIGN && b.sminl === 0;
export const smaxUnbounded = (b: Bounds): boolean => b.smaxh === S32_MAX && b.smaxl === ONES;
/** The constant is `x` (a small integer). */
export const isConstValue = (b: Tnum, x: number): boolean =>
  b.mh === 0 && b.ml === 0 && toSignedNumber(b.vh, b.vl) === x;

/** Every minimum is at most its maximum (bounds held in words). */
function ordered(
  uminh: number,
  uminl: number,
  umaxh: number,
  umaxl: number,
  sminh: number,
  sminl: number,
  smaxh: number,
  smaxl: number,
  u32min: number,
  u32max: number,
  s32min: number,
  s32max: number,
): boolean {
  return (
    ule(uminh, uminl, umaxh, umaxl) &&
    sle(sminh, sminl, smaxh, smaxl) &&
    !ult32(u32max, u32min) &&
    s32min <= s32max
  );
}

const scratch: Tnum = { vh: 0, vl: 0, mh: 0, ml: 0 };

/**
 * Make tnum, 64-bit and 32-bit bounds agree (each step intersects with a sound consequence of
 * another). Returns false when the facts contradict: no value satisfies them (`b` is then left
 * partly updated, and callers discard it).
 *
 * It runs on every ALU result and every jump edge, so the two rounds work on local copies of
 * the sixteen words (kept in registers, not re-read from `b`) and write them back once; each
 * step is the one of the BigInt formulation in ./testing/reference.
 */
export function sync(b: Bounds): boolean {
  if (b.mh === 0 && b.ml === 0) return syncConst(b);
  let vh = b.vh;
  let vl = b.vl;
  let mh = b.mh;
  let ml = b.ml;
  let uminh = b.uminh;
  let uminl = b.uminl;
  let umaxh = b.umaxh;
  let umaxl = b.umaxl;
  let sminh = b.sminh;
  let sminl = b.sminl;
  let smaxh = b.smaxh;
  let smaxl = b.smaxl;
  let u32min = b.u32min;
  let u32max = b.u32max;
  let s32min = b.s32min;
  let s32max = b.s32max;
  for (let round = 0; round < 2; round++) {
    if (!ordered(uminh, uminl, umaxh, umaxl, sminh, sminl, smaxh, smaxl, u32min, u32max, s32min, s32max))
      return false;
    const vh0 = vh;
    const vl0 = vl;
    const mh0 = mh;
    const ml0 = ml;
    const uminh0 = uminh;
    const uminl0 = uminl;
    const umaxh0 = umaxh;
    const umaxl0 = umaxl;
    const sminh0 = sminh;
    const sminl0 = sminl;
    const smaxh0 = smaxh;
    const smaxl0 = smaxl;
    const u32min0 = u32min;
    const u32max0 = u32max;
    const s32min0 = s32min;
    const s32max0 = s32max;
    // tnum → bounds
    if (ult(uminh, uminl, vh, vl)) {
      uminh = vh;
      uminl = vl;
    }
    let th = vh | mh;
    let tl = vl | ml;
    if (ult(th, tl, umaxh, umaxl)) {
      umaxh = th;
      umaxl = tl;
    }
    th = vh | (mh & SIGN);
    tl = vl;
    if (slt(sminh, sminl, th, tl)) {
      sminh = th;
      sminl = tl;
    }
    th = vh | (mh & S32_MAX);
    tl = vl | ml;
    if (slt(th, tl, smaxh, smaxl)) {
      smaxh = th;
      smaxl = tl;
    }
    u32min = umax32(u32min, vl);
    u32max = umin32(u32max, vl | ml);
    s32min = Math.max(s32min, vl | (ml & SIGN));
    s32max = Math.min(s32max, vl | (ml & S32_MAX));
    if (!ordered(uminh, uminl, umaxh, umaxl, sminh, sminl, smaxh, smaxl, u32min, u32max, s32min, s32max))
      return false;
    // signed ↔ unsigned, when the range does not cross the sign boundary
    if (uminh >>> 31 === umaxh >>> 31) {
      if (slt(sminh, sminl, uminh, uminl)) {
        sminh = uminh;
        sminl = uminl;
      }
      if (slt(umaxh, umaxl, smaxh, smaxl)) {
        smaxh = umaxh;
        smaxl = umaxl;
      }
    }
    if (sminh >>> 31 === smaxh >>> 31) {
      if (ult(uminh, uminl, sminh, sminl)) {
        uminh = sminh;
        uminl = sminl;
      }
      if (ult(smaxh, smaxl, umaxh, umaxl)) {
        umaxh = smaxh;
        umaxl = smaxl;
      }
    }
    if (u32min >>> 31 === u32max >>> 31) {
      s32min = Math.max(s32min, u32min | 0);
      s32max = Math.min(s32max, u32max | 0);
    }
    if (s32min < 0 === s32max < 0) {
      u32min = umax32(u32min, s32min);
      u32max = umin32(u32max, s32max);
    }
    if (!ordered(uminh, uminl, umaxh, umaxl, sminh, sminl, smaxh, smaxl, u32min, u32max, s32min, s32max))
      return false;
    // 64 → 32: when every value shares its upper half, the low halves form a range
    if (uminh === umaxh) {
      u32min = umax32(u32min, uminl);
      u32max = umin32(u32max, umaxl);
    }
    if (sminh === smaxh) {
      u32min = umax32(u32min, sminl);
      u32max = umin32(u32max, smaxl);
    }
    // 32 → 64: when the upper half is known
    if (mh === 0) {
      if (ult(uminh, uminl, vh, u32min)) {
        uminh = vh;
        uminl = u32min;
      }
      if (ult(vh, u32max, umaxh, umaxl)) {
        umaxh = vh;
        umaxl = u32max;
      }
    }
    if (!ordered(uminh, uminl, umaxh, umaxl, sminh, sminl, smaxh, smaxl, u32min, u32max, s32min, s32max))
      return false;
    // bounds → tnum: intersect with tnumRange(umin, umax) (64 bits), then with the low word's
    // tnumRange(u32min, u32max) (high word unknown); a range whose ends differ in n bits has
    // the tnum (min & ~(2^n - 1); 2^n - 1), the unknown value from n = 64 (or 32)
    const n = bitLength(uminh ^ umaxh, uminl ^ umaxl);
    const rdl = rangeMaskLow(n);
    const rdh = rangeMaskHigh(n);
    const rvh = uminh & ~rdh;
    const rvl = uminl & ~rdl;
    if (((vh ^ rvh) & ~(mh | rdh)) !== 0 || ((vl ^ rvl) & ~(ml | rdl)) !== 0) return false;
    mh &= rdh;
    ml &= rdl;
    vh = (vh | rvh) & ~mh;
    vl = (vl | rvl) & ~ml;
    const ldl = rangeMaskLow(32 - Math.clz32(u32min ^ u32max));
    const lvl = u32min & ~ldl;
    if (((vl ^ lvl) & ~(ml | ldl)) !== 0) return false;
    ml &= ldl;
    vl = (vl | lvl) & ~ml;
    // A round that changed nothing has reached the fixed point.
    if (
      vh === vh0 &&
      vl === vl0 &&
      mh === mh0 &&
      ml === ml0 &&
      uminh === uminh0 &&
      uminl === uminl0 &&
      umaxh === umaxh0 &&
      umaxl === umaxl0 &&
      sminh === sminh0 &&
      sminl === sminl0 &&
      smaxh === smaxh0 &&
      smaxl === smaxl0 &&
      u32min === u32min0 &&
      u32max === u32max0 &&
      s32min === s32min0 &&
      s32max === s32max0
    ) {
      break;
    }
  }
  if (!ordered(uminh, uminl, umaxh, umaxl, sminh, sminl, smaxh, smaxl, u32min, u32max, s32min, s32max))
    return false;
  b.vh = vh;
  b.vl = vl;
  b.mh = mh;
  b.ml = ml;
  b.uminh = uminh;
  b.uminl = uminl;
  b.umaxh = umaxh;
  b.umaxl = umaxl;
  b.sminh = sminh;
  b.sminl = sminl;
  b.smaxh = smaxh;
  b.smaxl = smaxl;
  b.u32min = u32min;
  b.u32max = u32max;
  b.s32min = s32min;
  b.s32max = s32max;
  return true;
}

/** `sync` for a known value: it must lie within every bound, which then all become it. */
function syncConst(b: Bounds): boolean {
  const h = b.vh;
  const l = b.vl;
  if (ult(h, l, b.uminh, b.uminl) || ult(b.umaxh, b.umaxl, h, l)) return false;
  if (slt(h, l, b.sminh, b.sminl) || slt(b.smaxh, b.smaxl, h, l)) return false;
  const s = l | 0;
  if (ult32(l, b.u32min) || ult32(b.u32max, l) || s < b.s32min || s > b.s32max) return false;
  b.uminh = b.umaxh = b.sminh = b.smaxh = h;
  b.uminl = b.umaxl = b.sminl = b.smaxl = l;
  b.u32min = b.u32max = l;
  b.s32min = b.s32max = s;
  return true;
}

export const newView = (): View => ({
  vh: 0,
  vl: 0,
  mh: 0,
  ml: 0,
  uminh: 0,
  uminl: 0,
  umaxh: 0,
  umaxl: 0,
  sminh: 0,
  sminl: 0,
  smaxh: 0,
  smaxl: 0,
});

/** `b`'s projection to `bits`, written into `out` (which is returned). */
export function viewInto(b: Bounds, bits: 32 | 64, out: View): View {
  if (bits === 64) {
    out.vh = b.vh;
    out.vl = b.vl;
    out.mh = b.mh;
    out.ml = b.ml;
    out.uminh = b.uminh;
    out.uminl = b.uminl;
    out.umaxh = b.umaxh;
    out.umaxl = b.umaxl;
    out.sminh = b.sminh;
    out.sminl = b.sminl;
    out.smaxh = b.smaxh;
    out.smaxl = b.smaxl;
    return out;
  }
  out.vh = 0;
  out.vl = b.vl;
  out.mh = 0;
  out.ml = b.ml;
  out.uminh = 0;
  out.uminl = b.u32min;
  out.umaxh = 0;
  out.umaxl = b.u32max;
  out.sminh = b.s32min < 0 ? ONES : 0;
  out.sminl = b.s32min;
  out.smaxh = b.s32max < 0 ? ONES : 0;
  out.smaxl = b.s32max;
  return out;
}

export function view(b: Bounds, bits: 32 | 64): View {
  return viewInto(b, bits, newView());
}

/** `b` set to the single value (h, l) (and returned). */
export function setConst(b: Bounds, h: number, l: number): Bounds {
  b.vh = b.uminh = b.umaxh = b.sminh = b.smaxh = h;
  b.vl = b.uminl = b.umaxl = b.sminl = b.smaxl = b.u32min = b.u32max = b.s32min = b.s32max = l;
  b.mh = b.ml = 0;
  return b;
}

/**
 * A result computed at `bits` width as a full register value (32-bit results are zero-extended),
 * written into `b` (a new Bounds by default) and returned.
 */
export function fromView(w: View, bits: 32 | 64, b: Bounds = unknownBounds()): Bounds {
  b.vh = w.vh;
  b.vl = w.vl;
  b.mh = w.mh;
  b.ml = w.ml;
  if (bits === 64) {
    b.uminh = w.uminh;
    b.uminl = w.uminl;
    b.umaxh = w.umaxh;
    b.umaxl = w.umaxl;
    b.sminh = w.sminh;
    b.sminl = w.sminl;
    b.smaxh = w.smaxh;
    b.smaxl = w.smaxl;
    b.u32min = 0;
    b.u32max = ONES;
    b.s32min = S32_MIN;
    b.s32max = S32_MAX;
  } else {
    b.uminh = 0;
    b.uminl = 0;
    b.u32min = w.uminl;
    b.u32max = w.umaxl;
    b.s32min = w.sminl | 0;
    b.s32max = w.smaxl | 0;
    b.umaxh = 0;
    b.umaxl = ONES;
    b.sminh = 0;
    b.sminl = 0;
    b.smaxh = 0;
    b.smaxl = ONES;
  }
  if (!sync(b)) throw new Error('internal: infeasible ALU result');
  return b;
}

/** Narrow `b` with a refined view of one width; false when infeasible. */
export function narrow(b: Bounds, w: View, bits: 32 | 64): boolean {
  if (bits === 64) {
    if (!tnumIntersect(b, b, w)) return false;
    if (ult(b.uminh, b.uminl, w.uminh, w.uminl)) {
      b.uminh = w.uminh;
      b.uminl = w.uminl;
    }
    if (ult(w.umaxh, w.umaxl, b.umaxh, b.umaxl)) {
      b.umaxh = w.umaxh;
      b.umaxl = w.umaxl;
    }
    if (slt(b.sminh, b.sminl, w.sminh, w.sminl)) {
      b.sminh = w.sminh;
      b.sminl = w.sminl;
    }
    if (slt(w.smaxh, w.smaxl, b.smaxh, b.smaxl)) {
      b.smaxh = w.smaxh;
      b.smaxl = w.smaxl;
    }
  } else {
    scratch.vh = 0;
    scratch.vl = w.vl;
    scratch.mh = ONES;
    scratch.ml = w.ml;
    if (!tnumIntersect(b, b, scratch)) return false;
    // The view's bounds may lie just outside 32 bits (an edge made empty): compare as numbers.
    const u32min = Math.max(b.u32min >>> 0, toNumber(w.uminh, w.uminl));
    const u32max = Math.min(b.u32max >>> 0, toNumber(w.umaxh, w.umaxl));
    b.s32min = Math.max(b.s32min, toSignedNumber(w.sminh, w.sminl));
    b.s32max = Math.min(b.s32max, toSignedNumber(w.smaxh, w.smaxl));
    if (u32min > u32max || b.s32min > b.s32max) return false;
    b.u32min = u32min | 0;
    b.u32max = u32max | 0;
  }
  return sync(b);
}

const big = toBigInt;

/**
 * Linux's print of a scalar (print_scalar_ranges): the value when constant, else the
 * non-trivial bounds with equal ones of the same kind merged (`smin=umin=0`), then the tnum.
 */
export function formatBounds(b: Bounds, id = 0): string {
  if (isConst(b)) return formatValue(b.vh, b.vl);
  const smin = BigInt.asIntN(64, big(b.sminh, b.sminl));
  const smax = BigInt.asIntN(64, big(b.smaxh, b.smaxl));
  const items = [
    { name: 'smin', val: smin, omit: sminUnbounded(b) },
    { name: 'smax', val: smax, omit: smaxUnbounded(b) },
    { name: 'umin', val: big(b.uminh, b.uminl), omit: b.uminh === 0 && b.uminl === 0 },
    { name: 'umax', val: big(b.umaxh, b.umaxl), omit: b.umaxh === ONES && b.umaxl === ONES },
    { name: 'smin32', val: BigInt(b.s32min), omit: b.s32min === S32_MIN },
    { name: 'smax32', val: BigInt(b.s32max), omit: b.s32max === S32_MAX },
    { name: 'umin32', val: BigInt(b.u32min >>> 0), omit: b.u32min === 0 },
    { name: 'umax32', val: BigInt(b.u32max >>> 0), omit: b.u32max === ONES },
  ];
  const parts: string[] = id ? [`id=${id}`] : [];
  for (let i = 0; i < items.length; i++) {
    const m1 = items[i];
    if (m1.omit) continue;
    let names = m1.name;
    for (let j = i + 2; j < items.length; j += 2) {
      const m2 = items[j];
      // Same role (min or max), same value, and never a negative merged with a positive.
      if (m2.omit || m2.val !== m1.val) continue;
      m2.omit = true;
      names += `=${m2.name}`;
    }
    parts.push(`${names}=${m1.val}`);
  }
  if (b.mh !== ONES || b.ml !== ONES) parts.push(`var_off=${tnumStr(b)}`);
  return `scalar(${parts.join(',')})`;
}

/** A 64-bit value as Linux prints it: decimal when small, else hex. */
export function formatValue(h: number, l: number): string {
  const s = toSignedNumber(h, l);
  if (s > -(2 ** 31) && s < 2 ** 32) return String(s);
  return `0x${big(h, l).toString(16)}`;
}

// ---- bounds as words of an Int32Array (the memos of ./scalar-alu.ts and ./scalar-branch.ts) ----

/** The words of a Bounds. */
export const BOUNDS_WORDS = 16;

/**
 * Entries of a memo direct-mapped on the instruction index for a program of `insnCount`
 * instructions: the count rounded up to a power of two, at most 4096.
 */
export function memoSlots(insnCount: number): number {
  let slots = 1;
  while (slots < insnCount && slots < 4096) slots <<= 1;
  return slots;
}

/** Write `b` into `words` from `at`. */
export function storeBounds(words: Int32Array, at: number, b: Bounds): void {
  words[at] = b.vh;
  words[at + 1] = b.vl;
  words[at + 2] = b.mh;
  words[at + 3] = b.ml;
  words[at + 4] = b.uminh;
  words[at + 5] = b.uminl;
  words[at + 6] = b.umaxh;
  words[at + 7] = b.umaxl;
  words[at + 8] = b.sminh;
  words[at + 9] = b.sminl;
  words[at + 10] = b.smaxh;
  words[at + 11] = b.smaxl;
  words[at + 12] = b.u32min;
  words[at + 13] = b.u32max;
  words[at + 14] = b.s32min;
  words[at + 15] = b.s32max;
}

/** Read `b` from `words` at `at`. */
export function loadBounds(words: Int32Array, at: number, b: Bounds): void {
  b.vh = words[at];
  b.vl = words[at + 1];
  b.mh = words[at + 2];
  b.ml = words[at + 3];
  b.uminh = words[at + 4];
  b.uminl = words[at + 5];
  b.umaxh = words[at + 6];
  b.umaxl = words[at + 7];
  b.sminh = words[at + 8];
  b.sminl = words[at + 9];
  b.smaxh = words[at + 10];
  b.smaxl = words[at + 11];
  b.u32min = words[at + 12];
  b.u32max = words[at + 13];
  b.s32min = words[at + 14];
  b.s32max = words[at + 15];
}

/** `words` at `at` hold `b`. */
export function sameBounds(words: Int32Array, at: number, b: Bounds): boolean {
  return (
    words[at] === b.vh &&
    words[at + 1] === b.vl &&
    words[at + 2] === b.mh &&
    words[at + 3] === b.ml &&
    words[at + 4] === b.uminh &&
    words[at + 5] === b.uminl &&
    words[at + 6] === b.umaxh &&
    words[at + 7] === b.umaxl &&
    words[at + 8] === b.sminh &&
    words[at + 9] === b.sminl &&
    words[at + 10] === b.smaxh &&
    words[at + 11] === b.smaxl &&
    words[at + 12] === b.u32min &&
    words[at + 13] === b.u32max &&
    words[at + 14] === b.s32min &&
    words[at + 15] === b.s32max
  );
}

/** True when every value allowed by `cur` is allowed by `old` (Linux's range_within + tnum_in). */
export function boundsWithin(old: Bounds, cur: Bounds): boolean {
  return (
    ule(old.uminh, old.uminl, cur.uminh, cur.uminl) &&
    ule(cur.umaxh, cur.umaxl, old.umaxh, old.umaxl) &&
    sle(old.sminh, old.sminl, cur.sminh, cur.sminl) &&
    sle(cur.smaxh, cur.smaxl, old.smaxh, old.smaxl) &&
    !ult32(cur.u32min, old.u32min) &&
    !ult32(old.u32max, cur.u32max) &&
    old.s32min <= cur.s32min &&
    cur.s32max <= old.s32max &&
    (cur.mh & ~old.mh) === 0 &&
    (cur.ml & ~old.ml) === 0 &&
    (cur.vh & ~old.mh) === old.vh &&
    (cur.vl & ~old.ml) === old.vl
  );
}

export function boundsEqual(a: Bounds, b: Bounds): boolean {
  return (
    a.vh === b.vh &&
    a.vl === b.vl &&
    a.mh === b.mh &&
    a.ml === b.ml &&
    a.uminh === b.uminh &&
    a.uminl === b.uminl &&
    a.umaxh === b.umaxh &&
    a.umaxl === b.umaxl &&
    a.sminh === b.sminh &&
    a.sminl === b.sminl &&
    a.smaxh === b.smaxh &&
    a.smaxl === b.smaxl &&
    a.u32min === b.u32min &&
    a.u32max === b.u32max &&
    a.s32min === b.s32min &&
    a.s32max === b.s32max
  );
}
