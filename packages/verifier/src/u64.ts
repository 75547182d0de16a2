/**
 * 64-bit integers as two 32-bit words (`h`, `l`), so that the verifier's scalar tracking needs
 * no BigInt on its hot path. A word is stored as a signed 32-bit integer (its bits read as
 * int32, what `x | 0` gives): numbers in that range are small integers to V8, stored in objects
 * without boxing, where words above 2^31 as plain numbers would each be a heap allocation.
 * Unsigned order is the signed order with the sign bit flipped (`x ^ SIGN`).
 *
 * Functions that produce a 64-bit value return its low word and leave the high word in `hi.h`
 * (read it at once: the next call overwrites it). Signed quantities are the same two's-
 * complement words read as signed.
 */

const TWO32 = 4294967296;
/** The sign bit of a word, as an int32. */
export const SIGN = -0x80000000;
/** All 32 bits set, as an int32. */
export const ONES = -1;

/** The high word of the last 64-bit result. */
export const hi = { h: 0 };

/** a < b for words read unsigned. */
export const ult32 = (a: number, b: number): boolean => (a ^ SIGN) < (b ^ SIGN);

export const ult = (ah: number, al: number, bh: number, bl: number): boolean =>
  ah !== bh ? (ah ^ SIGN) < (bh ^ SIGN) : (al ^ SIGN) < (bl ^ SIGN);
export const ule = (ah: number, al: number, bh: number, bl: number): boolean =>
  ah !== bh ? (ah ^ SIGN) < (bh ^ SIGN) : (al ^ SIGN) <= (bl ^ SIGN);
export const slt = (ah: number, al: number, bh: number, bl: number): boolean =>
  ah !== bh ? ah < bh : (al ^ SIGN) < (bl ^ SIGN);
export const sle = (ah: number, al: number, bh: number, bl: number): boolean =>
  ah !== bh ? ah < bh : (al ^ SIGN) <= (bl ^ SIGN);

/** a + b modulo 2^64. */
export function add(ah: number, al: number, bh: number, bl: number): number {
  const l = (al >>> 0) + (bl >>> 0);
  hi.h = (ah + bh + (l >= TWO32 ? 1 : 0)) | 0;
  return l | 0;
}

/** True when a + b does not fit in 64 unsigned bits. */
export function addCarries(ah: number, al: number, bh: number, bl: number): boolean {
  return (ah >>> 0) + (bh >>> 0) + ((al >>> 0) + (bl >>> 0) >= TWO32 ? 1 : 0) >= TWO32;
}

/** a - b modulo 2^64. */
export function sub(ah: number, al: number, bh: number, bl: number): number {
  const l = (al >>> 0) - (bl >>> 0);
  hi.h = (ah - bh - (l < 0 ? 1 : 0)) | 0;
  return l | 0;
}

/** -a modulo 2^64. */
export function neg(ah: number, al: number): number {
  return sub(0, 0, ah, al);
}

/** a * b modulo 2^64. */
export function mul(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = Math.floor(low / TWO32);
  const high = a1 * b1 + Math.floor(mid / 65536) + carry;
  hi.h = (high + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
  return low | 0;
}

/** True when the unsigned product a * b does not fit in 64 bits. */
export function mulOverflows(ah: number, al: number, bh: number, bl: number): boolean {
  if (ah !== 0 && bh !== 0) return true;
  if (ah === 0 && bh === 0) return false;
  // One high word is zero: (h * 2^32 + l) * x with x < 2^32.
  const h = (ah !== 0 ? ah : bh) >>> 0;
  const l = ah !== 0 ? al : bl;
  const x = ah !== 0 ? bl : al;
  const top = h * (x >>> 0); // exact when below 2^53, and compared only with 2^32
  if (top >= TWO32) return true;
  mul(0, l, 0, x);
  return top + (hi.h >>> 0) >= TWO32;
}

/** Shift left by k in [0, 63]. */
export function shl(h: number, l: number, k: number): number {
  if (k === 0) {
    hi.h = h;
    return l;
  }
  if (k >= 32) {
    hi.h = l << (k - 32);
    return 0;
  }
  hi.h = (h << k) | (l >>> (32 - k));
  return l << k;
}

/** Logical shift right by k in [0, 63]. */
export function shr(h: number, l: number, k: number): number {
  if (k === 0) {
    hi.h = h;
    return l;
  }
  if (k >= 32) {
    hi.h = 0;
    return (h >>> (k - 32)) | 0;
  }
  hi.h = (h >>> k) | 0;
  return (l >>> k) | (h << (32 - k));
}

/** Arithmetic shift right by k in [0, 63]. */
export function sar(h: number, l: number, k: number): number {
  if (k === 0) {
    hi.h = h;
    return l;
  }
  if (k >= 32) {
    hi.h = h < 0 ? ONES : 0;
    return h >> (k - 32);
  }
  hi.h = h >> k;
  return (l >>> k) | (h << (32 - k));
}

/** Number of significant bits (0 for 0). */
export function bitLength(h: number, l: number): number {
  return h !== 0 ? 64 - Math.clz32(h) : 32 - Math.clz32(l);
}

/** The unsigned value as a double: exact below 2^53, and order-preserving everywhere. */
export const toNumber = (h: number, l: number): number => (h >>> 0) * TWO32 + (l >>> 0);
/** The signed value as a double: exact within ±2^53, and order-preserving everywhere. */
export const toSignedNumber = (h: number, l: number): number => (h | 0) * TWO32 + (l >>> 0);

/** The words of an integer-valued double in [-2^63, 2^64), modulo 2^64. */
export function fromNumber(x: number): number {
  const h = Math.floor(x / TWO32);
  hi.h = h | 0;
  return (x - h * TWO32) | 0;
}

export const toBigInt = (h: number, l: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

/** The words of `x` modulo 2^64. */
export function fromBigInt(x: bigint): number {
  const u = BigInt.asUintN(64, x);
  hi.h = Number(BigInt.asIntN(32, u >> 32n));
  return Number(BigInt.asIntN(32, u));
}
