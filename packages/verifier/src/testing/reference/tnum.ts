/**
 * Tristate numbers (Linux's `tnum`): a value whose bits are each 0, 1 or unknown. `value` holds
 * the known-1 bits, `mask` the unknown bits; a bit set in both never happens. All quantities are
 * unsigned BigInts truncated to the operation's width (32 or 64 bits).
 */

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64 = (1n << 64n) - 1n;
export const U32 = (1n << 32n) - 1n;

export function maskOf(bits: 32 | 64): bigint {
  return bits === 64 ? U64 : U32;
}

export const tnumConst = (v: bigint): Tnum => ({ value: v, mask: 0n });
export const tnumUnknown = (bits: 32 | 64 = 64): Tnum => ({ value: 0n, mask: maskOf(bits) });

/** The smallest tnum containing every value of [min, max] (unsigned). */
export function tnumRange(min: bigint, max: bigint, bits: 32 | 64 = 64): Tnum {
  const chi = min ^ max;
  const n = chi === 0n ? 0 : chi.toString(2).length;
  if (n >= bits) return tnumUnknown(bits);
  const delta = (1n << BigInt(n)) - 1n;
  return { value: min & ~delta & maskOf(bits), mask: delta };
}

export function tnumAdd(a: Tnum, b: Tnum, bits: 32 | 64): Tnum {
  const w = maskOf(bits);
  const sm = (a.mask + b.mask) & w;
  const sv = (a.value + b.value) & w;
  const sigma = (sm + sv) & w;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & w, mask: mu & w };
}

export function tnumSub(a: Tnum, b: Tnum, bits: 32 | 64): Tnum {
  const w = maskOf(bits);
  const dv = (a.value - b.value) & w;
  const alpha = (dv + a.mask) & w;
  const beta = (dv - b.mask) & w;
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & w, mask: mu & w };
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v };
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v };
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu, mask: mu };
}

export function tnumLshift(a: Tnum, k: number, bits: 32 | 64): Tnum {
  const w = maskOf(bits);
  const s = BigInt(k);
  return { value: (a.value << s) & w, mask: (a.mask << s) & w };
}

export function tnumRshift(a: Tnum, k: number): Tnum {
  const s = BigInt(k);
  return { value: a.value >> s, mask: a.mask >> s };
}

export function tnumArshift(a: Tnum, k: number, bits: 32 | 64): Tnum {
  const w = maskOf(bits);
  const s = BigInt(k);
  return {
    value: (BigInt.asIntN(bits, a.value) >> s) & w,
    mask: (BigInt.asIntN(bits, a.mask) >> s) & w,
  };
}

/** Multiplication, bit-serial as in Linux's tnum_mul. */
export function tnumMul(a: Tnum, b: Tnum, bits: 32 | 64): Tnum {
  const w = maskOf(bits);
  if (a.mask === 0n && b.mask === 0n) return tnumConst((a.value * b.value) & w);
  const accV = (a.value * b.value) & w;
  let accM: Tnum = { value: 0n, mask: 0n };
  let x = a;
  let y = b;
  while (x.value !== 0n || x.mask !== 0n) {
    if (x.value & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.mask }, bits);
    else if (x.mask & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.value | y.mask }, bits);
    x = tnumRshift(x, 1);
    y = tnumLshift(y, 1, bits);
  }
  return tnumAdd(tnumConst(accV), accM, bits);
}

/** Both constraints at once; `undefined` when they contradict (no value satisfies both). */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum | undefined {
  if ((a.value ^ b.value) & ~(a.mask | b.mask)) return undefined;
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu, mask: mu };
}

/** True when every value of `b` is a value of `a`. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return (b.value & ~a.mask) === a.value;
}

export const tnumIsConst = (a: Tnum): boolean => a.mask === 0n;

/** Linux's `(value; mask)` text, e.g. `(0x0; 0xff)`. */
export function tnumStr(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
