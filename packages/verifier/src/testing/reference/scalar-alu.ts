/**
 * Transfer functions of the ALU on scalars: given what is known about the operands, what is
 * known about the result. Constants fold exactly; otherwise each operation bounds its result as
 * Linux's scalar_min_max_* do, at the operation's width, and `fromView` zero-extends 32-bit ones.
 */
import type { AluOp, EndOp } from '@tbpf/isa';
import {
  type Bounds,
  constBounds,
  fromView,
  isConst,
  S32_MAX,
  S32_MIN,
  S64_MAX,
  S64_MIN,
  type View,
  view,
} from './bounds.js';
import {
  maskOf,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumConst,
  tnumLshift,
  tnumMul,
  tnumOr,
  tnumRshift,
  tnumSub,
  tnumUnknown,
  tnumXor,
  U32,
} from './tnum.js';

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function signedLimits(bits: 32 | 64): [bigint, bigint] {
  return bits === 64 ? [S64_MIN, S64_MAX] : [S32_MIN, S32_MAX];
}

function unknownView(bits: 32 | 64): View {
  const [smin, smax] = signedLimits(bits);
  return { t: tnumUnknown(bits), umin: 0n, umax: maskOf(bits), smin, smax };
}

function constView(x: bigint, bits: 32 | 64): View {
  const u = x & maskOf(bits);
  const s = BigInt.asIntN(bits, u);
  return { t: tnumConst(u), umin: u, umax: u, smin: s, smax: s };
}

/** The exact result of an ALU operation on concrete values (RFC 9669 semantics), `bits` wide. */
export function evalAlu(op: AluOp, x: bigint, y: bigint, bits: 32 | 64): bigint {
  const w = maskOf(bits);
  const a = x & w;
  const b = y & w;
  const sa = BigInt.asIntN(bits, a);
  const sb = BigInt.asIntN(bits, b);
  const sh = BigInt(Number(b & BigInt(bits - 1)));
  switch (op) {
    case 'add':
      return (a + b) & w;
    case 'sub':
      return (a - b) & w;
    case 'mul':
      return (a * b) & w;
    case 'div':
      return b === 0n ? 0n : a / b;
    case 'sdiv':
      return sb === 0n ? 0n : (sa / sb) & w;
    case 'mod':
      return b === 0n ? a : a % b;
    case 'smod':
      return sb === 0n ? a : (sa % sb) & w;
    case 'or':
      return a | b;
    case 'and':
      return a & b;
    case 'xor':
      return a ^ b;
    case 'lsh':
      return (a << sh) & w;
    case 'rsh':
      return a >> sh;
    case 'arsh':
      return (sa >> sh) & w;
    case 'neg':
      return -a & w;
    case 'mov':
      return b;
    case 'movsx8':
      return BigInt.asIntN(8, b) & w;
    case 'movsx16':
      return BigInt.asIntN(16, b) & w;
    case 'movsx32':
      return BigInt.asIntN(32, b) & w;
  }
}

function fits(x: bigint, bits: 32 | 64): boolean {
  const [lo, hi] = signedLimits(bits);
  return x >= lo && x <= hi;
}

function viewOp(op: AluOp, a: View, b: View, bits: 32 | 64): View {
  const w = maskOf(bits);
  const r = unknownView(bits);
  switch (op) {
    case 'add': {
      r.t = tnumAdd(a.t, b.t, bits);
      if (a.umax + b.umax <= w) [r.umin, r.umax] = [a.umin + b.umin, a.umax + b.umax];
      if (fits(a.smin + b.smin, bits) && fits(a.smax + b.smax, bits))
        [r.smin, r.smax] = [a.smin + b.smin, a.smax + b.smax];
      return r;
    }
    case 'sub': {
      r.t = tnumSub(a.t, b.t, bits);
      if (a.umin >= b.umax) [r.umin, r.umax] = [a.umin - b.umax, a.umax - b.umin];
      if (fits(a.smin - b.smax, bits) && fits(a.smax - b.smin, bits))
        [r.smin, r.smax] = [a.smin - b.smax, a.smax - b.smin];
      return r;
    }
    case 'mul': {
      r.t = tnumMul(a.t, b.t, bits);
      if (a.umax * b.umax <= w) [r.umin, r.umax] = [a.umin * b.umin, a.umax * b.umax];
      const corners = [a.smin * b.smin, a.smin * b.smax, a.smax * b.smin, a.smax * b.smax];
      if (corners.every((c) => fits(c, bits))) {
        r.smin = corners.reduce(min);
        r.smax = corners.reduce(max);
      }
      return r;
    }
    case 'and':
      r.t = tnumAnd(a.t, b.t);
      [r.umin, r.umax] = [r.t.value, min(a.umax, b.umax)];
      return r;
    case 'or':
      r.t = tnumOr(a.t, b.t);
      [r.umin, r.umax] = [max(a.umin, b.umin), r.t.value | r.t.mask];
      return r;
    case 'xor':
      r.t = tnumXor(a.t, b.t);
      return r;
    case 'lsh': {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumLshift(a.t, Number(b.t.value), bits);
      else r.t = tnumLshift(tnumUnknown(bits), Number(b.umin), bits);
      if (a.umax << b.umax <= w) [r.umin, r.umax] = [a.umin << b.umin, a.umax << b.umax];
      return r;
    }
    case 'rsh': {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumRshift(a.t, Number(b.t.value));
      [r.umin, r.umax] = [a.umin >> b.umax, a.umax >> b.umin];
      return r;
    }
    case 'arsh': {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumArshift(a.t, Number(b.t.value), bits);
      r.smin = min(a.smin >> b.umin, a.smin >> b.umax);
      r.smax = max(a.smax >> b.umin, a.smax >> b.umax);
      return r;
    }
    case 'div':
      // Division by zero gives 0; otherwise the quotient shrinks.
      if (b.umin > 0n) [r.umin, r.umax] = [a.umin / b.umax, a.umax / b.umin];
      else [r.umin, r.umax] = [0n, a.umax];
      return r;
    case 'mod':
      // Modulo by zero leaves the dividend; otherwise the remainder is below the divisor.
      r.umax = b.umin > 0n ? min(a.umax, b.umax - 1n) : a.umax;
      return r;
    case 'neg':
      r.t = tnumSub(tnumConst(0n), a.t, bits);
      if (a.smin > signedLimits(bits)[0]) [r.smin, r.smax] = [-a.smax, -a.smin];
      return r;
    case 'mov':
      return b;
    case 'movsx8':
    case 'movsx16':
    case 'movsx32': {
      const n = op === 'movsx8' ? 8 : op === 'movsx16' ? 16 : 32;
      const lim = 1n << BigInt(n - 1);
      // Sign bit known clear: the value is the zero-extended low bits.
      const lowMask = (1n << BigInt(n)) - 1n;
      if (((b.t.value | b.t.mask) & lim) === 0n) {
        r.t = { value: b.t.value & lowMask, mask: b.t.mask & lowMask };
        [r.umin, r.umax] = [0n, lim - 1n];
        [r.smin, r.smax] = [0n, lim - 1n];
      } else if (b.smin >= -lim && b.smax <= lim - 1n) [r.smin, r.smax] = [b.smin, b.smax];
      else [r.smin, r.smax] = [-lim, lim - 1n];
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
    src = constBounds(src.v & BigInt(bits - 1));
  if ((isConst(dst) || op === 'mov' || op.startsWith('movsx')) && isConst(src)) {
    return bits === 64
      ? constBounds(evalAlu(op, dst.v, src.v, 64))
      : constBounds(evalAlu(op, dst.v, src.v, 32));
  }
  if (op === 'neg' && isConst(dst)) return constBounds(evalAlu(op, dst.v, 0n, bits));
  // movsx reads at most the low 32 bits: their view keeps the 32-bit signed range.
  const srcBits = op.startsWith('movsx') ? 32 : bits;
  return fromView(viewOp(op, view(dst, bits), view(src, srcBits), bits), bits);
}

/** `dst = le/be/bswap(dst)` for a scalar, on a little-endian machine. */
export function scalarEnd(op: EndOp, bitsN: 16 | 32 | 64, dst: Bounds): Bounds {
  const n = BigInt(bitsN);
  const low = (1n << n) - 1n;
  if (op === 'le') {
    if (bitsN === 64) return dst;
    return fromView(viewOp('and', view(dst, 64), constView(low, 64), 64), 64);
  }
  if (isConst(dst)) {
    let v = dst.v & low;
    let out = 0n;
    for (let i = 0n; i < n; i += 8n) {
      out = (out << 8n) | (v & 0xffn);
      v >>= 8n;
    }
    return constBounds(out);
  }
  if (bitsN === 64) return fromView(unknownView(64), 64);
  return fromView({ ...unknownView(64), t: { value: 0n, mask: low }, umax: low, smin: 0n, smax: low }, 64);
}

/** The immediate operand of an ALU instruction as a scalar (sign-extended for 64-bit ops). */
export function immBounds(imm: number, bits: 32 | 64): Bounds {
  return constBounds(bits === 64 ? BigInt(imm | 0) : BigInt(imm >>> 0) & U32);
}
