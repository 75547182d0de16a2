/**
 * Tristate numbers (Linux's `tnum`): a value whose bits are each 0, 1 or unknown. `v` holds the
 * known-1 bits, `m` the unknown bits; a bit set in both never happens. 64-bit quantities are
 * two 32-bit words stored as int32 (`vh`/`vl`, `mh`/`ml`, see ./u64.ts); at 32-bit width the
 * high words are 0.
 * The operations write their result into `out` (which may be one of the operands).
 */
import { add, bitLength, hi, mul, ONES, sar, shl, shr, sub } from './u64.js';

export interface Tnum {
  vh: number;
  vl: number;
  mh: number;
  ml: number;
}

/** The high word of the mask of a `bits`-wide quantity (all ones, as an int32). */
export const highMask = (bits: 32 | 64): number => (bits === 64 ? ONES : 0);

function setTnum(out: Tnum, vh: number, vl: number, mh: number, ml: number): void {
  out.vh = vh;
  out.vl = vl;
  out.mh = mh;
  out.ml = ml;
}

/** The low word of 2^n - 1 (n ≥ 0): the mask of a range whose ends differ in n bits. */
export const rangeMaskLow = (n: number): number => (n >= 32 ? ONES : n === 0 ? 0 : ONES >>> (32 - n));

/** The high word of 2^n - 1 (all ones from n = 64). */
export const rangeMaskHigh = (n: number): number => (n >= 64 ? ONES : n > 32 ? ONES >>> (64 - n) : 0);

/** The smallest tnum containing every value of [min, max] (unsigned). */
export function tnumRange(
  out: Tnum,
  minh: number,
  minl: number,
  maxh: number,
  maxl: number,
  bits: 32 | 64,
): void {
  const n = bitLength(minh ^ maxh, minl ^ maxl);
  if (n >= bits) {
    setTnum(out, 0, 0, highMask(bits), ONES);
    return;
  }
  const dl = rangeMaskLow(n);
  const dh = rangeMaskHigh(n);
  setTnum(out, minh & ~dh & highMask(bits), minl & ~dl, dh, dl);
}

export function tnumAdd(out: Tnum, a: Tnum, b: Tnum, bits: 32 | 64): void {
  const w = highMask(bits);
  const sml = add(a.mh, a.ml, b.mh, b.ml);
  const smh = hi.h & w;
  const svl = add(a.vh, a.vl, b.vh, b.vl);
  const svh = hi.h & w;
  const sigl = add(smh, sml, svh, svl);
  const sigh = hi.h & w;
  const muHi = (sigh ^ svh) | a.mh | b.mh;
  const muLo = (sigl ^ svl) | a.ml | b.ml;
  setTnum(out, svh & ~muHi, svl & ~muLo, muHi & w, muLo);
}

export function tnumSub(out: Tnum, a: Tnum, b: Tnum, bits: 32 | 64): void {
  const w = highMask(bits);
  const dvl = sub(a.vh, a.vl, b.vh, b.vl);
  const dvh = hi.h & w;
  const alphal = add(dvh, dvl, a.mh, a.ml);
  const alphah = hi.h & w;
  const betal = sub(dvh, dvl, b.mh, b.ml);
  const betah = hi.h & w;
  const muHi = (alphah ^ betah) | a.mh | b.mh;
  const muLo = (alphal ^ betal) | a.ml | b.ml;
  setTnum(out, dvh & ~muHi, dvl & ~muLo, muHi & w, muLo);
}

export function tnumAnd(out: Tnum, a: Tnum, b: Tnum): void {
  const vh = a.vh & b.vh;
  const vl = a.vl & b.vl;
  const mh = (a.vh | a.mh) & (b.vh | b.mh) & ~vh;
  const ml = (a.vl | a.ml) & (b.vl | b.ml) & ~vl;
  setTnum(out, vh, vl, mh, ml);
}

export function tnumOr(out: Tnum, a: Tnum, b: Tnum): void {
  const vh = a.vh | b.vh;
  const vl = a.vl | b.vl;
  setTnum(out, vh, vl, (a.mh | b.mh) & ~vh, (a.ml | b.ml) & ~vl);
}

export function tnumXor(out: Tnum, a: Tnum, b: Tnum): void {
  const mh = a.mh | b.mh;
  const ml = a.ml | b.ml;
  setTnum(out, (a.vh ^ b.vh) & ~mh, (a.vl ^ b.vl) & ~ml, mh, ml);
}

export function tnumLshift(out: Tnum, a: Tnum, k: number, bits: 32 | 64): void {
  const w = highMask(bits);
  const vl = shl(a.vh, a.vl, k);
  const vh = hi.h & w;
  const ml = shl(a.mh, a.ml, k);
  setTnum(out, vh, vl, hi.h & w, ml);
}

export function tnumRshift(out: Tnum, a: Tnum, k: number): void {
  const vl = shr(a.vh, a.vl, k);
  const vh = hi.h;
  const ml = shr(a.mh, a.ml, k);
  setTnum(out, vh, vl, hi.h, ml);
}

export function tnumArshift(out: Tnum, a: Tnum, k: number, bits: 32 | 64): void {
  if (bits === 32) {
    setTnum(out, 0, a.vl >> k, 0, a.ml >> k);
    return;
  }
  const vl = sar(a.vh, a.vl, k);
  const vh = hi.h;
  const ml = sar(a.mh, a.ml, k);
  setTnum(out, vh, vl, hi.h, ml);
}

/** Multiplication, bit-serial as in Linux's tnum_mul. */
export function tnumMul(out: Tnum, a: Tnum, b: Tnum, bits: 32 | 64): void {
  const w = highMask(bits);
  // accV = (a.value * b.value) & w
  const pl = mul(a.vh, a.vl, b.vh, b.vl);
  const prod: Tnum = { vh: hi.h & w, vl: pl, mh: 0, ml: 0 };
  if (a.mh === 0 && a.ml === 0 && b.mh === 0 && b.ml === 0) {
    setTnum(out, prod.vh, prod.vl, 0, 0);
    return;
  }
  const acc: Tnum = { vh: 0, vl: 0, mh: 0, ml: 0 };
  const x: Tnum = { vh: a.vh, vl: a.vl, mh: a.mh, ml: a.ml };
  const y: Tnum = { vh: b.vh, vl: b.vl, mh: b.mh, ml: b.ml };
  const term: Tnum = { vh: 0, vl: 0, mh: 0, ml: 0 };
  while (x.vh !== 0 || x.vl !== 0 || x.mh !== 0 || x.ml !== 0) {
    if (x.vl & 1) {
      setTnum(term, 0, 0, y.mh, y.ml);
      tnumAdd(acc, acc, term, bits);
    } else if (x.ml & 1) {
      setTnum(term, 0, 0, y.vh | y.mh, y.vl | y.ml);
      tnumAdd(acc, acc, term, bits);
    }
    tnumRshift(x, x, 1);
    tnumLshift(y, y, 1, bits);
  }
  tnumAdd(out, prod, acc, bits);
}

/** Both constraints at once into `out`; false (and `out` untouched) when they contradict. */
export function tnumIntersect(out: Tnum, a: Tnum, b: Tnum): boolean {
  if (((a.vh ^ b.vh) & ~(a.mh | b.mh)) !== 0 || ((a.vl ^ b.vl) & ~(a.ml | b.ml)) !== 0) return false;
  const mh = a.mh & b.mh;
  const ml = a.ml & b.ml;
  setTnum(out, (a.vh | b.vh) & ~mh, (a.vl | b.vl) & ~ml, mh, ml);
  return true;
}

const hex = (h: number, l: number): string =>
  h === 0 ? (l >>> 0).toString(16) : (h >>> 0).toString(16) + (l >>> 0).toString(16).padStart(8, '0');

/** Linux's `(value; mask)` text, e.g. `(0x0; 0xff)`. */
export function tnumStr(a: Tnum): string {
  return `(0x${hex(a.vh, a.vl)}; 0x${hex(a.mh, a.ml)})`;
}
