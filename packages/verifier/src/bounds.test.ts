import { ALU_OPS, type AluOp, JMP_OPS } from '@tbpf/isa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bounds, constBounds, s32, s64, sync, unknownBounds } from './bounds.js';
import { evalAlu, scalarAlu, scalarEnd } from './scalar-alu.js';
import { type Cond, negate, refineScalars } from './scalar-branch.js';
import { tnumRange, tnumStr, U32 } from './tnum.js';

/** Every fact in `b` holds for the concrete 64-bit value `x`. */
function contains(b: Bounds, x: bigint): boolean {
  const lo = x & U32;
  return (
    b.umin <= x &&
    x <= b.umax &&
    b.smin <= s64(x) &&
    s64(x) <= b.smax &&
    b.u32min <= lo &&
    lo <= b.u32max &&
    b.s32min <= s32(lo) &&
    s32(lo) <= b.s32max &&
    (x & ~b.m) === b.v
  );
}

const value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: 64n }),
  fc.constantFrom(0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 63n, (1n << 64n) - 1n),
);
const aluOp = fc.constantFrom(...ALU_OPS.filter((o) => o !== 'mov'));
const cond = fc.constantFrom<Cond>(...JMP_OPS, 'jnset');
const width = fc.constantFrom<32 | 64>(32, 64);

/** An abstract value known to contain x: unknown, exact, or narrowed by a random true condition. */
const abstractOf = (x: bigint, shape: number, c: Cond, k: bigint, w: 32 | 64): Bounds => {
  if (shape === 0) return constBounds(x);
  const u = unknownBounds();
  if (shape === 1) return u;
  const holds = refineScalars(c, constBounds(x), constBounds(k), w) !== undefined;
  const r = refineScalars(holds ? c : negate(c), u, constBounds(k), w);
  expect(r).toBeDefined();
  return r![0];
};

describe('scalar tracking is sound: the abstract result contains the concrete one', () => {
  const operand = fc.tuple(value, fc.integer({ min: 0, max: 2 }), cond, value, width);

  it('for every ALU operation at both widths', () => {
    fc.assert(
      fc.property(
        operand,
        operand,
        aluOp,
        width,
        ([x, sx, cx, kx, wx], [y, sy, cy, ky, wy], op: AluOp, w) => {
          const a = abstractOf(x, sx, cx, kx, wx);
          const b = abstractOf(y, sy, cy, ky, wy);
          const r = scalarAlu(op, a, b, w);
          const concrete =
            op === 'lsh' || op === 'rsh' || op === 'arsh'
              ? evalAlu(op, x, y & BigInt(w - 1), w)
              : evalAlu(op, x, y, w);
          expect(contains(r, concrete), `${op}${w} ${x} ${y} -> ${concrete}`).toBe(true);
        },
      ),
      { numRuns: 10000, seed: 42 },
    );
  }, 60_000);

  it('for byte swaps', () => {
    fc.assert(
      fc.property(
        operand,
        fc.constantFrom('le', 'be', 'bswap' as const),
        fc.constantFrom(16, 32, 64 as const),
        ([x, s, c, k, w], op, bits) => {
          const a = abstractOf(x, s, c, k, w);
          let v = x & ((1n << BigInt(bits)) - 1n);
          if (op !== 'le') {
            let out = 0n;
            for (let i = 0; i < bits / 8; i++) {
              out = (out << 8n) | (v & 0xffn);
              v >>= 8n;
            }
            v = out;
          }
          expect(contains(scalarEnd(op, bits as 16 | 32 | 64, a), v)).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 7 },
    );
  }, 60_000);

  it('for both edges of every conditional jump (the taken edge holds the values that take it)', () => {
    fc.assert(
      fc.property(operand, operand, cond, width, ([x, sx, cx, kx, wx], [y, sy, cy, ky, wy], c, w) => {
        const a = abstractOf(x, sx, cx, kx, wx);
        const b = abstractOf(y, sy, cy, ky, wy);
        const holds = refineScalars(c, constBounds(x), constBounds(y), w) !== undefined;
        const edge = refineScalars(holds ? c : negate(c), a, b, w);
        expect(edge, `${c}${w} ${x} ${y}: the edge taken must be feasible`).toBeDefined();
        expect(contains(edge![0], x) && contains(edge![1], y)).toBe(true);
      }),
      { numRuns: 10000, seed: 3 },
    );
  }, 60_000);
});

describe('bounds', () => {
  it('sync derives bounds from each other (a u32 range gives the 64-bit range and the tnum)', () => {
    const b = unknownBounds();
    b.umax = 0xffn;
    expect(sync(b)).toBe(true);
    expect([b.smin, b.smax, b.u32max, tnumStr({ value: b.v, mask: b.m })]).toEqual([
      0n,
      255n,
      255n,
      '(0x0; 0xff)',
    ]);
  });

  it('sync reports contradictions', () => {
    const b = unknownBounds();
    b.umin = 10n;
    b.umax = 20n;
    b.smax = 5n;
    expect(sync(b)).toBe(false);
  });

  it('tnumRange covers its range', () => {
    expect(tnumStr(tnumRange(16n, 31n))).toBe('(0x10; 0xf)');
    expect(tnumStr(tnumRange(0n, 8n))).toBe('(0x0; 0xf)');
  });
});
