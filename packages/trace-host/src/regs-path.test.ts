import { describe, expect, it } from 'vitest';
import { PT_REGS, PT_REGS_SIZE } from './pt-regs.js';
import { compileRegsPath, type RegsPathParts, setU64 } from './regs-path.js';

const SI = PT_REGS.si >> 2;
const DX = PT_REGS.dx >> 2;
const CX = PT_REGS.cx >> 2;

/** A path over a fake program that returns `result` (or throws it), with what it saw. */
function path(reads: boolean[], result: number | Error, keepFaults = false) {
  const regs = new Uint32Array(PT_REGS_SIZE / 4).fill(0xeeeeeeee);
  const seen = { runs: [] as [number, number][], kept: [] as unknown[][], faults: [] as unknown[] };
  const event = { filtered: 0 };
  const parts: RegsPathParts = {
    regs,
    reads,
    prepared: {
      runFast(ctx, len) {
        seen.runs.push([ctx, len]);
        if (result instanceof Error) throw result;
        return result;
      },
    },
    ctxOffset: 4096,
    event,
    kept: (...args) => seen.kept.push(args),
    faulted: (e) => {
      seen.faults.push(e);
      return keepFaults ? 1 : -1;
    },
  };
  return { run: compileRegsPath(parts), regs, seen, event };
}

const u64 = (r: Uint32Array, i: number) => BigInt(r[i]) | (BigInt(r[i + 1]) << 32n);

describe('the pt_regs event path', () => {
  it('writes only the registers the program reads, each host type as a u64', () => {
    const p = path([true, false, true], 0);
    p.run(2 ** 32 + 5, 7, 2n ** 40n + 3n, 'a3', 'a4', 'a5');
    expect([u64(p.regs, SI), u64(p.regs, CX)]).toEqual([2n ** 32n + 5n, 2n ** 40n + 3n]);
    expect([p.regs[DX], p.regs[DX + 1]]).toEqual([0xeeeeeeee, 0xeeeeeeee]);
    p.run({ address: 2 ** 33 + 1 }, 0, true, 0, 0, 0);
    expect([u64(p.regs, SI), u64(p.regs, CX)]).toEqual([2n ** 33n + 1n, 1n]);
    p.run(-1, 0, undefined, 0, 0, 0);
    expect([u64(p.regs, SI), u64(p.regs, CX)]).toEqual([2n ** 64n - 1n, 0n]);
    p.run(-(2 ** 32) - 1, 0, 2 ** 53 - 1, 0, 0, 0);
    expect([u64(p.regs, SI), u64(p.regs, CX)]).toEqual([2n ** 64n - 2n ** 32n - 1n, 2n ** 53n - 1n]);
    p.run(-1.5, 0, 1.5, 0, 0, 0); // as Math.floor: lo = trunc mod 2^32, hi = floor(v / 2^32)
    expect([u64(p.regs, SI), u64(p.regs, CX)]).toEqual([2n ** 64n - 1n, 1n]);
    expect(p.seen.runs).toHaveLength(5);
    expect(p.seen.runs[0]).toEqual([4096, 0]);
  });

  it('writes what setU64 writes, for every kind of value', () => {
    const values = [
      0,
      5,
      2 ** 32,
      2 ** 32 + 7,
      2 ** 33 + 1,
      2 ** 53 - 1,
      -1,
      -(2 ** 32) - 1,
      1.5,
      -1.5,
      2n ** 63n,
      true,
      null,
    ];
    const p = path([true, true, true], 0);
    const expected = new Uint32Array(2);
    for (const v of values) {
      p.run(v, v, v, 0, 0, 0);
      setU64(expected, 0, v);
      for (const i of [SI, DX, CX]) expect([p.regs[i], p.regs[i + 1]]).toEqual([...expected]);
    }
  });

  it('counts a dropped event, hands a kept one its arguments, and a fault its error', () => {
    const dropped = path([true, true, true], 0);
    dropped.run(1, 2, 3, 4, 5, 6);
    expect([dropped.event.filtered, dropped.seen.kept.length]).toEqual([1, 0]);

    const kept = path([false, false, false], 9);
    kept.run(1, 2, 3, 4, 5, 6);
    expect([kept.event.filtered, kept.seen.kept]).toEqual([0, [[1, 2, 3, 4, 5, 6]]]);

    const boom = new Error('boom');
    const dropFault = path([true, false, false], boom);
    dropFault.run(1, 2, 3, 4, 5, 6);
    expect(dropFault.seen.faults).toEqual([boom]);
    expect([dropFault.event.filtered, dropFault.seen.kept.length]).toEqual([0, 0]);
    const keepFault = path([true, false, false], boom, true);
    keepFault.run(1, 2, 3, 4, 5, 6);
    expect([keepFault.event.filtered, keepFault.seen.kept]).toEqual([0, [[1, 2, 3, 4, 5, 6]]]);
  });
});
