/**
 * Scalar value tracking as in Linux's `struct bpf_reg_state`: a tnum plus signed and unsigned
 * bounds for the full 64-bit value and for its low 32 bits (the subregister). `sync` makes the
 * nine facts agree with each other (Linux's reg_bounds_sync); every transfer function below is
 * written for one operation width through a `View` (the 32- or 64-bit projection).
 */
import { type Tnum, tnumIntersect, tnumRange, U32, U64 } from './tnum.js';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

export interface Bounds {
  /** tnum of the 64-bit value. */
  v: bigint;
  m: bigint;
  umin: bigint;
  umax: bigint;
  smin: bigint;
  smax: bigint;
  u32min: bigint;
  u32max: bigint;
  s32min: bigint;
  s32max: bigint;
}

/** One width's projection: tnum and bounds for 32 or 64 bits. */
export interface View {
  t: Tnum;
  umin: bigint;
  umax: bigint;
  smin: bigint;
  smax: bigint;
}

export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function unknownBounds(): Bounds {
  return {
    v: 0n,
    m: U64,
    umin: 0n,
    umax: U64,
    smin: S64_MIN,
    smax: S64_MAX,
    u32min: 0n,
    u32max: U32,
    s32min: S32_MIN,
    s32max: S32_MAX,
  };
}

export function constBounds(x: bigint): Bounds {
  const u = u64(x);
  const lo = u & U32;
  return {
    v: u,
    m: 0n,
    umin: u,
    umax: u,
    smin: s64(u),
    smax: s64(u),
    u32min: lo,
    u32max: lo,
    s32min: s32(lo),
    s32max: s32(lo),
  };
}

export function copyBounds(dst: Bounds, src: Bounds): void {
  dst.v = src.v;
  dst.m = src.m;
  dst.umin = src.umin;
  dst.umax = src.umax;
  dst.smin = src.smin;
  dst.smax = src.smax;
  dst.u32min = src.u32min;
  dst.u32max = src.u32max;
  dst.s32min = src.s32min;
  dst.s32max = src.s32max;
}

export const isConst = (b: Bounds): boolean => b.m === 0n;

function feasible(b: Bounds): boolean {
  return b.umin <= b.umax && b.smin <= b.smax && b.u32min <= b.u32max && b.s32min <= b.s32max;
}

/**
 * Make tnum, 64-bit and 32-bit bounds agree (each step intersects with a sound consequence of
 * another). Returns false when the facts contradict: no value satisfies them.
 */
export function sync(b: Bounds): boolean {
  if (b.m === 0n) return syncConst(b);
  for (let round = 0; round < 2; round++) {
    if (!feasible(b)) return false;
    const { v, m, umin, umax, smin, smax, u32min, u32max, s32min, s32max } = b;
    // tnum → bounds
    b.umin = max(b.umin, b.v);
    b.umax = min(b.umax, b.v | b.m);
    b.smin = max(b.smin, s64(b.v | (b.m & (1n << 63n))));
    b.smax = min(b.smax, s64(b.v | (b.m & S64_MAX)));
    const lv = b.v & U32;
    const lm = b.m & U32;
    b.u32min = max(b.u32min, lv);
    b.u32max = min(b.u32max, lv | lm);
    b.s32min = max(b.s32min, s32(lv | (lm & (1n << 31n))));
    b.s32max = min(b.s32max, s32(lv | (lm & S32_MAX)));
    if (!feasible(b)) return false;
    // signed ↔ unsigned, when the range does not cross the sign boundary
    if (b.umin >> 63n === b.umax >> 63n) {
      b.smin = max(b.smin, s64(b.umin));
      b.smax = min(b.smax, s64(b.umax));
    }
    if (b.smin < 0n === b.smax < 0n) {
      b.umin = max(b.umin, u64(b.smin));
      b.umax = min(b.umax, u64(b.smax));
    }
    if (b.u32min >> 31n === b.u32max >> 31n) {
      b.s32min = max(b.s32min, s32(b.u32min));
      b.s32max = min(b.s32max, s32(b.u32max));
    }
    if (b.s32min < 0n === b.s32max < 0n) {
      b.u32min = max(b.u32min, BigInt.asUintN(32, b.s32min));
      b.u32max = min(b.u32max, BigInt.asUintN(32, b.s32max));
    }
    if (!feasible(b)) return false;
    // 64 → 32: when every value shares its upper half, the low halves form a range
    if (b.umin >> 32n === b.umax >> 32n) {
      b.u32min = max(b.u32min, b.umin & U32);
      b.u32max = min(b.u32max, b.umax & U32);
    }
    if (b.smin >> 32n === b.smax >> 32n) {
      b.u32min = max(b.u32min, u64(b.smin) & U32);
      b.u32max = min(b.u32max, u64(b.smax) & U32);
    }
    // 32 → 64: when the upper half is known
    if (b.m >> 32n === 0n) {
      const hi = b.v & ~U32;
      b.umin = max(b.umin, hi | b.u32min);
      b.umax = min(b.umax, hi | b.u32max);
    }
    if (!feasible(b)) return false;
    // bounds → tnum
    const t = tnumIntersect({ value: b.v, mask: b.m }, tnumRange(b.umin, b.umax));
    if (!t) return false;
    const lo = tnumRange(b.u32min, b.u32max, 32);
    const t2 = tnumIntersect(t, { value: lo.value, mask: lo.mask | (U64 & ~U32) });
    if (!t2) return false;
    b.v = t2.value;
    b.m = t2.mask;
    // A round that changed nothing has reached the fixed point.
    if (
      v === b.v &&
      m === b.m &&
      umin === b.umin &&
      umax === b.umax &&
      smin === b.smin &&
      smax === b.smax &&
      u32min === b.u32min &&
      u32max === b.u32max &&
      s32min === b.s32min &&
      s32max === b.s32max
    ) {
      break;
    }
  }
  return feasible(b);
}

/** `sync` for a known value: it must lie within every bound, which then all become it. */
function syncConst(b: Bounds): boolean {
  const u = b.v;
  const s = s64(u);
  const lo = u & U32;
  const s32v = s32(lo);
  if (u < b.umin || u > b.umax || s < b.smin || s > b.smax) return false;
  if (lo < b.u32min || lo > b.u32max || s32v < b.s32min || s32v > b.s32max) return false;
  b.umin = b.umax = u;
  b.smin = b.smax = s;
  b.u32min = b.u32max = lo;
  b.s32min = b.s32max = s32v;
  return true;
}

export function view(b: Bounds, bits: 32 | 64): View {
  if (bits === 64)
    return { t: { value: b.v, mask: b.m }, umin: b.umin, umax: b.umax, smin: b.smin, smax: b.smax };
  return {
    t: { value: b.v & U32, mask: b.m & U32 },
    umin: b.u32min,
    umax: b.u32max,
    smin: b.s32min,
    smax: b.s32max,
  };
}

/** A result computed at `bits` width as a full register value (32-bit results are zero-extended). */
export function fromView(w: View, bits: 32 | 64): Bounds {
  const b = unknownBounds();
  b.v = w.t.value;
  if (bits === 64) {
    b.m = w.t.mask;
    b.umin = w.umin;
    b.umax = w.umax;
    b.smin = w.smin;
    b.smax = w.smax;
  } else {
    b.m = w.t.mask;
    b.u32min = w.umin;
    b.u32max = w.umax;
    b.s32min = w.smin;
    b.s32max = w.smax;
    b.umax = U32;
    b.smin = 0n;
    b.smax = U32;
  }
  if (!sync(b)) throw new Error('internal: infeasible ALU result');
  return b;
}

/** Narrow `b` with a refined view of one width; false when infeasible. */
export function narrow(b: Bounds, w: View, bits: 32 | 64): boolean {
  if (bits === 64) {
    const t = tnumIntersect({ value: b.v, mask: b.m }, w.t);
    if (!t) return false;
    b.v = t.value;
    b.m = t.mask;
    b.umin = max(b.umin, w.umin);
    b.umax = min(b.umax, w.umax);
    b.smin = max(b.smin, w.smin);
    b.smax = min(b.smax, w.smax);
  } else {
    const t = tnumIntersect({ value: b.v, mask: b.m }, { value: w.t.value, mask: w.t.mask | (U64 & ~U32) });
    if (!t) return false;
    b.v = t.value;
    b.m = t.mask;
    b.u32min = max(b.u32min, w.umin);
    b.u32max = min(b.u32max, w.umax);
    b.s32min = max(b.s32min, w.smin);
    b.s32max = min(b.s32max, w.smax);
  }
  return sync(b);
}

/**
 * Linux's print of a scalar (print_scalar_ranges): the value when constant, else the
 * non-trivial bounds with equal ones of the same kind merged (`smin=umin=0`), then the tnum.
 */
export function formatBounds(b: Bounds, id = 0): string {
  if (b.m === 0n) return formatValue(b.v);
  const items = [
    { name: 'smin', val: b.smin, omit: b.smin === S64_MIN },
    { name: 'smax', val: b.smax, omit: b.smax === S64_MAX },
    { name: 'umin', val: b.umin, omit: b.umin === 0n },
    { name: 'umax', val: b.umax, omit: b.umax === U64 },
    { name: 'smin32', val: b.s32min, omit: b.s32min === S32_MIN },
    { name: 'smax32', val: b.s32max, omit: b.s32max === S32_MAX },
    { name: 'umin32', val: b.u32min, omit: b.u32min === 0n },
    { name: 'umax32', val: b.u32max, omit: b.u32max === U32 },
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
  if (b.m !== U64) parts.push(`var_off=(0x${b.v.toString(16)}; 0x${b.m.toString(16)})`);
  return `scalar(${parts.join(',')})`;
}

export function formatValue(v: bigint): string {
  const s = s64(v);
  return s > -(1n << 31n) && s < 1n << 32n ? s.toString() : `0x${u64(v).toString(16)}`;
}

/** True when every value allowed by `cur` is allowed by `old` (Linux's range_within + tnum_in). */
export function boundsWithin(old: Bounds, cur: Bounds): boolean {
  return (
    old.umin <= cur.umin &&
    cur.umax <= old.umax &&
    old.smin <= cur.smin &&
    cur.smax <= old.smax &&
    old.u32min <= cur.u32min &&
    cur.u32max <= old.u32max &&
    old.s32min <= cur.s32min &&
    cur.s32max <= old.s32max &&
    (cur.m & ~old.m) === 0n &&
    (cur.v & ~old.m) === old.v
  );
}

export function boundsEqual(a: Bounds, b: Bounds): boolean {
  return (
    a.v === b.v &&
    a.m === b.m &&
    a.umin === b.umin &&
    a.umax === b.umax &&
    a.smin === b.smin &&
    a.smax === b.smax &&
    a.u32min === b.u32min &&
    a.u32max === b.u32max &&
    a.s32min === b.s32min &&
    a.s32max === b.s32max
  );
}
