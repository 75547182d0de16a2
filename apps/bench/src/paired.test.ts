import { describe, expect, test } from 'vitest';
import { pairedEstimate, pairedRatio } from './paired.js';

describe('pairedEstimate', () => {
  test('the mean over groups of the median over rounds', () => {
    expect(
      pairedEstimate([
        [1, 2, 30],
        [4, 5, 6],
      ]).value,
    ).toBe(3.5);
  });

  test('the same data give the same interval; it contains the estimate', () => {
    const samples = [
      [1, 3, 2, 5],
      [2, 2, 4, 1],
      [0, 3, 3, 2],
    ];
    const a = pairedEstimate(samples, { seed: 7 });
    expect(pairedEstimate(samples, { seed: 7 })).toEqual(a);
    expect(a.ci[0]).toBeLessThanOrEqual(a.value);
    expect(a.ci[1]).toBeGreaterThanOrEqual(a.value);
  });

  test('groups that disagree widen the interval, rounds that agree within a group do not narrow it', () => {
    const steady = Array.from({ length: 8 }, () => Array.from({ length: 20 }, (_, r) => (r % 5) - 2));
    const apart = steady.map((g, i) => g.map((v) => v + (i % 2 ? 10 : -10)));
    const width = (e: { ci: [number, number] }) => e.ci[1] - e.ci[0];
    const a = pairedEstimate(steady);
    const b = pairedEstimate(apart);
    expect(a.value).toBe(0);
    expect(b.value).toBe(0);
    expect(width(b)).toBeGreaterThan(5 * width(a));
    expect(b.ci[0]).toBeLessThan(-3);
    expect(b.ci[1]).toBeGreaterThan(3);
  });

  test('one group: the interval is the spread of its rounds', () => {
    const e = pairedEstimate([Array.from({ length: 40 }, (_, r) => r)]);
    expect(e.value).toBe(19.5);
    expect(e.ci[0]).toBeGreaterThan(10);
    expect(e.ci[1]).toBeLessThan(30);
  });

  test('refuses no data', () => {
    expect(() => pairedEstimate([[], []])).toThrow(/no samples/);
  });
});

describe('pairedRatio', () => {
  test('works on the logarithms: 0.5 and 2 balance at 1', () => {
    const e = pairedRatio([
      [0.5, 2, 1],
      [1, 1, 1],
    ]);
    expect(e.value).toBeCloseTo(1, 12);
    expect(e.ci[0]).toBeLessThanOrEqual(1);
    expect(e.ci[1]).toBeGreaterThanOrEqual(1);
  });

  test('a constant ratio has a zero-width interval at that ratio', () => {
    const e = pairedRatio([
      [1.01, 1.01],
      [1.01, 1.01, 1.01],
    ]);
    expect(e.value).toBeCloseTo(1.01, 12);
    expect(e.ci[0]).toBeCloseTo(1.01, 12);
    expect(e.ci[1]).toBeCloseTo(1.01, 12);
  });
});
