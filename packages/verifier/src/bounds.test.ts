import { ALU_OPS, type AluOp, JMP_OPS } from '@tbpf/isa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bounds, constBounds, formatBounds, sync, unknownBounds } from './bounds.js';
import { AluMemo, evalAlu, scalarAlu, scalarEnd } from './scalar-alu.js';
import { BranchMemo, type Cond, EdgeRegMemo, FALLEN, negate, refineScalars, TAKEN } from './scalar-branch.js';
import * as ref from './testing/reference/bounds.js';
import * as refAlu from './testing/reference/scalar-alu.js';
import * as refBranch from './testing/reference/scalar-branch.js';
import { tnumRange, tnumStr } from './tnum.js';
import { fromBigInt, hi, toBigInt } from './u64.js';

/** The BigInt reference's form of fast bounds, and back. Every word must be stored as an int32. */
function toRef(b: Bounds): ref.Bounds {
  for (const [k, v] of Object.entries(b))
    if (v !== (v | 0)) throw new Error(`${k} = ${v} is not an int32 word`);
  return {
    v: toBigInt(b.vh, b.vl),
    m: toBigInt(b.mh, b.ml),
    umin: toBigInt(b.uminh, b.uminl),
    umax: toBigInt(b.umaxh, b.umaxl),
    smin: BigInt.asIntN(64, toBigInt(b.sminh, b.sminl)),
    smax: BigInt.asIntN(64, toBigInt(b.smaxh, b.smaxl)),
    u32min: BigInt(b.u32min >>> 0),
    u32max: BigInt(b.u32max >>> 0),
    s32min: BigInt(b.s32min),
    s32max: BigInt(b.s32max),
  };
}

function words(x: bigint): [number, number] {
  const l = fromBigInt(x);
  return [hi.h, l];
}

function fromRef(r: ref.Bounds): Bounds {
  const [vh, vl] = words(r.v);
  const [mh, ml] = words(r.m);
  const [uminh, uminl] = words(r.umin);
  const [umaxh, umaxl] = words(r.umax);
  const [sminh, sminl] = words(r.smin);
  const [smaxh, smaxl] = words(r.smax);
  return {
    vh,
    vl,
    mh,
    ml,
    uminh,
    uminl,
    umaxh,
    umaxl,
    sminh,
    sminl,
    smaxh,
    smaxl,
    u32min: Number(r.u32min) | 0,
    u32max: Number(r.u32max) | 0,
    s32min: Number(r.s32min),
    s32max: Number(r.s32max),
  };
}

/** refineScalars' narrowed operands, or undefined when the edge is impossible. */
function refined(c: Cond, a: Bounds, b: Bounds, w: 32 | 64): [Bounds, Bounds] | undefined {
  const na = unknownBounds();
  const nb = unknownBounds();
  return refineScalars(c, a, b, w, na, nb) ? [na, nb] : undefined;
}

const fastConst = (x: bigint): Bounds => {
  const [h, l] = words(x);
  return constBounds(h, l);
};

/** Every fact in `b` holds for the concrete 64-bit value `x`. */
function contains(b: Bounds, x: bigint): boolean {
  const r = toRef(b);
  const lo = x & 0xffffffffn;
  return (
    r.umin <= x &&
    x <= r.umax &&
    r.smin <= ref.s64(x) &&
    ref.s64(x) <= r.smax &&
    r.u32min <= lo &&
    lo <= r.u32max &&
    r.s32min <= ref.s32(lo) &&
    ref.s32(lo) <= r.s32max &&
    (x & ~r.m) === r.v
  );
}

const value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: 64n }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
  fc.bigInt({ min: -(1n << 31n), max: 1n << 31n }).map((x) => BigInt.asUintN(64, x)),
  fc.constantFrom(
    0n,
    1n,
    0x7fffffffn,
    0x80000000n,
    0xffffffffn,
    1n << 32n,
    (1n << 63n) - 1n,
    1n << 63n,
    (1n << 64n) - 1n,
  ),
);
const aluOp = fc.constantFrom(...ALU_OPS.filter((o) => o !== 'mov'));
const cond = fc.constantFrom<Cond>(...JMP_OPS, 'jnset');
const width = fc.constantFrom<32 | 64>(32, 64);

/**
 * A reference abstract value known to contain x: unknown, exact, or narrowed by one or two
 * random true conditions (which gives ranges, tnums and mixed facts).
 */
function abstractOf(x: bigint, shape: number, conds: [Cond, bigint, 32 | 64][]): ref.Bounds {
  if (shape === 0) return ref.constBounds(x);
  let u = ref.unknownBounds();
  if (shape === 1) return u;
  for (const [c, k, w] of conds) {
    const holds = refBranch.refineScalars(c, ref.constBounds(x), ref.constBounds(k), w) !== undefined;
    const r = refBranch.refineScalars(holds ? c : refBranch.negate(c), u, ref.constBounds(k), w);
    expect(r).toBeDefined();
    u = r![0];
  }
  return u;
}

const narrowing = fc.tuple(cond, value, width);
const operand = fc.tuple(
  value,
  fc.integer({ min: 0, max: 2 }),
  fc.array(narrowing, { minLength: 1, maxLength: 3 }),
);

describe('fast bounds are bit for bit the BigInt reference', () => {
  it('for every ALU operation at both widths', () => {
    fc.assert(
      fc.property(operand, operand, aluOp, width, ([x, sx, cx], [y, sy, cy], op: AluOp, w) => {
        const a = abstractOf(x, sx, cx);
        const b = abstractOf(y, sy, cy);
        const want = refAlu.scalarAlu(op, a, b, w);
        const got = scalarAlu(op, fromRef(a), fromRef(b), w);
        expect(toRef(got), `${op}${w} ${ref.formatBounds(a)} ${ref.formatBounds(b)}`).toEqual(want);
      }),
      { numRuns: 20000, seed: 11 },
    );
  }, 120_000);

  it('for concrete evaluation', () => {
    fc.assert(
      fc.property(value, value, aluOp, width, (x, y, op: AluOp, w) => {
        const [xh, xl] = words(x);
        const [yh, yl] = words(y);
        const l = evalAlu(op, xh, xl, yh, yl, w);
        expect(toBigInt(hi.h, l), `${op}${w} ${x} ${y}`).toBe(refAlu.evalAlu(op, x, y, w));
      }),
      { numRuns: 20000, seed: 12 },
    );
  }, 60_000);

  it('for byte swaps', () => {
    fc.assert(
      fc.property(
        operand,
        fc.constantFrom('le', 'be', 'bswap' as const),
        fc.constantFrom(16, 32, 64 as const),
        ([x, s, c], op, bits) => {
          const a = abstractOf(x, s, c);
          const want = refAlu.scalarEnd(op, bits as 16 | 32 | 64, a);
          expect(toRef(scalarEnd(op, bits as 16 | 32 | 64, fromRef(a)))).toEqual(want);
        },
      ),
      { numRuns: 5000, seed: 13 },
    );
  }, 60_000);

  it('for both edges of every conditional jump', () => {
    fc.assert(
      fc.property(operand, operand, cond, width, ([x, sx, cx], [y, sy, cy], c, w) => {
        const a = abstractOf(x, sx, cx);
        const b = abstractOf(y, sy, cy);
        for (const edge of [c, refBranch.negate(c)]) {
          const want = refBranch.refineScalars(edge, a, b, w);
          const got = refined(edge, fromRef(a), fromRef(b), w);
          const text = `${edge}${w} ${ref.formatBounds(a)} ${ref.formatBounds(b)}`;
          expect(got === undefined, text).toBe(want === undefined);
          if (got && want) expect([toRef(got[0]), toRef(got[1])], text).toEqual(want);
        }
      }),
      { numRuns: 20000, seed: 14 },
    );
  }, 120_000);

  it('for sync of arbitrary (possibly contradictory) facts', () => {
    const facts = fc.tuple(value, value, value, value, value, value, value, value, value, value);
    fc.assert(
      fc.property(facts, ([v, m, umin, umax, smin, smax, u32min, u32max, s32min, s32max]) => {
        const r: ref.Bounds = {
          v: v & ~m,
          m,
          umin: umin < umax ? umin : umax,
          umax: umin < umax ? umax : umin,
          smin: ref.s64(smin),
          smax: ref.s64(smax),
          u32min: u32min & 0xffffffffn,
          u32max: u32max & 0xffffffffn,
          s32min: ref.s32(s32min),
          s32max: ref.s32(s32max),
        };
        const fast = fromRef(r);
        const ok = ref.sync(r);
        expect(sync(fast)).toBe(ok);
        if (ok) expect(toRef(fast)).toEqual(r);
      }),
      { numRuns: 20000, seed: 15 },
    );
  }, 60_000);

  it('prints the same', () => {
    fc.assert(
      fc.property(operand, ([x, s, c]) => {
        const a = abstractOf(x, s, c);
        expect(formatBounds(fromRef(a), 3)).toBe(ref.formatBounds(a, 3));
      }),
      { numRuns: 5000, seed: 16 },
    );
  });
});

describe('scalar tracking is sound: the abstract result contains the concrete one', () => {
  it('for every ALU operation at both widths', () => {
    fc.assert(
      fc.property(operand, operand, aluOp, width, ([x, sx, cx], [y, sy, cy], op: AluOp, w) => {
        const a = fromRef(abstractOf(x, sx, cx));
        const b = fromRef(abstractOf(y, sy, cy));
        const r = scalarAlu(op, a, b, w);
        const concrete =
          op === 'lsh' || op === 'rsh' || op === 'arsh'
            ? refAlu.evalAlu(op, x, y & BigInt(w - 1), w)
            : refAlu.evalAlu(op, x, y, w);
        expect(contains(r, concrete), `${op}${w} ${x} ${y} -> ${concrete}`).toBe(true);
      }),
      { numRuns: 10000, seed: 42 },
    );
  }, 60_000);

  it('for both edges of every conditional jump (the taken edge holds the values that take it)', () => {
    fc.assert(
      fc.property(operand, operand, cond, width, ([x, sx, cx], [y, sy, cy], c, w) => {
        const a = fromRef(abstractOf(x, sx, cx));
        const b = fromRef(abstractOf(y, sy, cy));
        const holds = refined(c, fastConst(x), fastConst(y), w) !== undefined;
        const edge = refined(holds ? c : negate(c), a, b, w);
        expect(edge, `${c}${w} ${x} ${y}: the edge taken must be feasible`).toBeDefined();
        expect(contains(edge![0], x) && contains(edge![1], y)).toBe(true);
      }),
      { numRuns: 10000, seed: 3 },
    );
  }, 60_000);
});

describe('the memos answer what they remember only for the same question', () => {
  // Few instructions (colliding in a memo of 4 entries) and few operands, so that questions
  // repeat, with and without the same answer.
  const question = fc.tuple(
    fc.integer({ min: 0, max: 7 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
  );

  it("AluMemo gives scalarAlu's result", () => {
    fc.assert(
      fc.property(
        fc.array(operand, { minLength: 4, maxLength: 4 }),
        fc.array(fc.tuple(question, aluOp, width), { minLength: 1, maxLength: 40 }),
        (operands, steps) => {
          const pool = operands.map(([x, sx, cx]) => fromRef(abstractOf(x, sx, cx)));
          const memo = new AluMemo(4, unknownBounds);
          for (const [[pc, i, j], op, w] of steps) {
            const got = memo.alu(pc, op, pool[i], pool[j], w);
            expect(toRef(got), `${op}${w} at ${pc}`).toEqual(toRef(scalarAlu(op, pool[i], pool[j], w)));
          }
        },
      ),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('EdgeRegMemo gives back a refinement only for the same operands and register', () => {
    const objs = [{}, {}, {}];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(question, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (steps) => {
          const memo = new EdgeRegMemo<object>(4);
          // What each instruction's last visit had: its operands and the refinements made since.
          const model = new Map<number, { d: object; s: object; made: Map<number, [object, object]> }>();
          for (const [[pc, d, s], k, old] of steps) {
            memo.visit(pc, objs[d], objs[s]);
            let last = model.get(pc);
            if (!last || last.d !== objs[d] || last.s !== objs[s]) {
              last = { d: objs[d], s: objs[s], made: new Map() };
              model.set(pc, last);
            }
            // An entry other instructions share (4 entries for 8) may have lost it: only a
            // remembered refinement must be the one made, and one made for another question never.
            const want = last.made.get(k);
            const got = memo.get(k, objs[old]);
            if (got !== undefined) expect(want && want[0] === objs[old] && want[1] === got).toBe(true);
            if (got === undefined) {
              const r = {};
              memo.set(k, objs[old], r);
              last.made.set(k, [objs[old], r]);
              expect(memo.get(k, objs[old])).toBe(r);
            }
          }
        },
      ),
      { numRuns: 2000, seed: 23 },
    );
  });

  it("BranchMemo gives refineScalars' edges", () => {
    fc.assert(
      fc.property(
        fc.array(operand, { minLength: 4, maxLength: 4 }),
        fc.array(fc.tuple(question, cond, width), { minLength: 1, maxLength: 40 }),
        (operands, steps) => {
          const pool = operands.map(([x, sx, cx]) => fromRef(abstractOf(x, sx, cx)));
          const memo = new BranchMemo(4);
          const out = [unknownBounds(), unknownBounds(), unknownBounds(), unknownBounds()];
          for (const [[pc, i, j], c, w] of steps) {
            const edges = memo.edges(pc, c, pool[i], pool[j], w, out[0], out[1], out[2], out[3]);
            const taken = refined(c, pool[i], pool[j], w);
            const fallen = refined(negate(c), pool[i], pool[j], w);
            expect(edges, `${c}${w} at ${pc}`).toBe((taken ? TAKEN : 0) | (fallen ? FALLEN : 0));
            if (taken) expect([toRef(out[0]), toRef(out[1])]).toEqual([toRef(taken[0]), toRef(taken[1])]);
            if (fallen) expect([toRef(out[2]), toRef(out[3])]).toEqual([toRef(fallen[0]), toRef(fallen[1])]);
          }
        },
      ),
      { numRuns: 2000, seed: 18 },
    );
  });
});

describe('bounds', () => {
  it('sync derives bounds from each other (a u32 range gives the 64-bit range and the tnum)', () => {
    const b = unknownBounds();
    b.umaxh = 0;
    b.umaxl = 0xff;
    expect(sync(b)).toBe(true);
    expect(formatBounds(b)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
  });

  it('sync reports contradictions', () => {
    const b = unknownBounds();
    b.uminl = 10;
    b.umaxh = 0;
    b.umaxl = 20;
    b.smaxh = 0;
    b.smaxl = 5;
    expect(sync(b)).toBe(false);
  });

  it('tnumRange covers its range', () => {
    const t = { vh: 0, vl: 0, mh: 0, ml: 0 };
    tnumRange(t, 0, 16, 0, 31, 64);
    expect(tnumStr(t)).toBe('(0x10; 0xf)');
    tnumRange(t, 0, 0, 0, 8, 64);
    expect(tnumStr(t)).toBe('(0x0; 0xf)');
    tnumRange(t, 1, 0, 0x80000000, 0, 64);
    expect(tnumStr(t)).toBe('(0x0; 0xffffffffffffffff)');
  });
});
