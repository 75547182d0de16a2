/**
 * Conditional jumps on scalars: narrow both operands on each edge (Linux's reg_set_min_max),
 * at the jump's width. An edge whose narrowed facts contradict is impossible — this is also how
 * a branch is found to be always or never taken.
 */
import type { JmpOp } from '@tbpf/isa';
import { type Bounds, narrow, type View, view } from './bounds.js';
import { maskOf, tnumIntersect } from './tnum.js';

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

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Narrowed views of (a, b) under `a cond b`, or undefined when the condition cannot hold. */
function refineViews(c: Cond, a: View, b: View, bits: 32 | 64): [View, View] | undefined {
  const A = { ...a };
  const B = { ...b };
  switch (c) {
    case 'jeq': {
      const t = tnumIntersect(a.t, b.t);
      if (!t) return undefined;
      const r: View = {
        t,
        umin: max(a.umin, b.umin),
        umax: min(a.umax, b.umax),
        smin: max(a.smin, b.smin),
        smax: min(a.smax, b.smax),
      };
      return [r, { ...r }];
    }
    case 'jne': {
      // Only a constant on one side excludes anything: an end of the other's range.
      for (const [x, k] of [
        [A, b],
        [B, a],
      ] as const) {
        if (k.t.mask !== 0n) continue;
        const c0 = k.t.value;
        const cs = BigInt.asIntN(bits, c0);
        if (x.t.mask === 0n && x.t.value === c0) return undefined;
        if (x.umin === c0) x.umin++;
        if (x.umax === c0) x.umax--;
        if (x.smin === cs) x.smin++;
        if (x.smax === cs) x.smax--;
      }
      return [A, B];
    }
    case 'jgt':
      A.umin = max(a.umin, b.umin + 1n);
      B.umax = min(b.umax, a.umax - 1n);
      return [A, B];
    case 'jge':
      A.umin = max(a.umin, b.umin);
      B.umax = min(b.umax, a.umax);
      return [A, B];
    case 'jlt':
      A.umax = min(a.umax, b.umax - 1n);
      B.umin = max(b.umin, a.umin + 1n);
      return [A, B];
    case 'jle':
      A.umax = min(a.umax, b.umax);
      B.umin = max(b.umin, a.umin);
      return [A, B];
    case 'jsgt':
      A.smin = max(a.smin, b.smin + 1n);
      B.smax = min(b.smax, a.smax - 1n);
      return [A, B];
    case 'jsge':
      A.smin = max(a.smin, b.smin);
      B.smax = min(b.smax, a.smax);
      return [A, B];
    case 'jslt':
      A.smax = min(a.smax, b.smax - 1n);
      B.smin = max(b.smin, a.smin + 1n);
      return [A, B];
    case 'jsle':
      A.smax = min(a.smax, b.smax);
      B.smin = max(b.smin, a.smin);
      return [A, B];
    case 'jset': {
      // Some common bit may be set: impossible when no bit can be set in both.
      if (((a.t.value | a.t.mask) & (b.t.value | b.t.mask)) === 0n) return undefined;
      if (A.umin === 0n) A.umin = 1n;
      if (b.t.mask === 0n && (b.t.value & (b.t.value - 1n)) === 0n) {
        const t = tnumIntersect(a.t, { value: b.t.value, mask: maskOf(bits) & ~b.t.value });
        if (!t) return undefined;
        A.t = t;
      }
      return [A, B];
    }
    case 'jnset': {
      if ((a.t.value & b.t.value) !== 0n) return undefined;
      if (b.t.mask === 0n) {
        const t = tnumIntersect(a.t, { value: 0n, mask: maskOf(bits) & ~b.t.value });
        if (!t) return undefined;
        A.t = t;
      }
      return [A, B];
    }
  }
}

/** The condition on two known values. */
function constHolds(c: Cond, x: bigint, y: bigint, bits: 32 | 64): boolean {
  const w = maskOf(bits);
  const a = x & w;
  const b = y & w;
  const sa = BigInt.asIntN(bits, a);
  const sb = BigInt.asIntN(bits, b);
  switch (c) {
    case 'jeq':
      return a === b;
    case 'jne':
      return a !== b;
    case 'jgt':
      return a > b;
    case 'jge':
      return a >= b;
    case 'jlt':
      return a < b;
    case 'jle':
      return a <= b;
    case 'jsgt':
      return sa > sb;
    case 'jsge':
      return sa >= sb;
    case 'jslt':
      return sa < sb;
    case 'jsle':
      return sa <= sb;
    case 'jset':
      return (a & b) !== 0n;
    case 'jnset':
      return (a & b) === 0n;
  }
}

/**
 * Narrow copies of `a` and `b` under `a cond b` at `bits` width; undefined when that edge is
 * impossible. The inputs are not modified.
 */
export function refineScalars(c: Cond, a: Bounds, b: Bounds, bits: 32 | 64): [Bounds, Bounds] | undefined {
  if (a.m === 0n && b.m === 0n) return constHolds(c, a.v, b.v, bits) ? [a, b] : undefined;
  const r = refineViews(c, view(a, bits), view(b, bits), bits);
  if (!r) return undefined;
  const na = { ...a };
  const nb = { ...b };
  if (!narrow(na, r[0], bits) || !narrow(nb, r[1], bits)) return undefined;
  return [na, nb];
}
