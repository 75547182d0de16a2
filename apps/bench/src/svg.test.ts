import { describe, expect, test } from 'vitest';
import { rfcTableSvg } from './report.js';
import type { RfcTableReport } from './rfc-table.js';
import { median } from './stats.js';
import { axisTicks, barChartSvg, textWidth } from './svg.js';
import { formatTable } from './table.js';

describe('bench output', () => {
  test('median', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  test('the SVG chart is well-formed, scales bars on a ticked axis and escapes text', () => {
    const svg = barChartSvg({
      title: 'overhead <per> phase',
      unit: 'ms',
      labels: ['tracing on', 'predicate'],
      series: [
        { name: 'tbpf', color: '#36c', values: [10, 20] },
        { name: 'RFC', color: '#c63', values: [95, undefined] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('overhead &lt;per&gt; phase');
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="14"/g)].map((m) => ({
      x: Number(m[1]),
      width: Number(m[2]),
    }));
    // The axis runs 0..100 (ticks of 20) over 520 px, every bar starting at the zero line.
    expect(bars.map((b) => b.width)).toEqual([52, 494, 104]);
    expect(new Set(bars.map((b) => b.x)).size).toBe(1);
    const ticks = [...svg.matchAll(/text-anchor="middle">([\d,.-]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '20', '40', '60', '80', '100']);
  });

  test('negative values draw left of the zero line', () => {
    const svg = barChartSvg({
      title: 't',
      unit: 'ms',
      labels: ['a', 'b'],
      series: [{ name: 's', color: '#36c', values: [-5, 15] }],
    });
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="14"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    // Axis -5..15 over 520 px: zero at a quarter; the negative bar ends there.
    const [[nx, nw], [px, pw]] = bars;
    expect(nx + nw).toBeCloseTo(px, 1);
    expect(nw).toBeCloseTo(130, 1);
    expect(pw).toBeCloseTo(390, 1);
  });

  test("the RFC chart draws tbpf's negative overheads as they were measured", () => {
    const phase = (id: string, overheadMs: number, rfcOverheadMs?: number) => ({
      id,
      label: id,
      overheadMs,
      rfcOverheadMs,
    });
    const report = {
      iterations: 1_000_000,
      phases: [phase('none', 0), phase('record', 118, 95.2), phase('disabled', -0.4, -0.3)],
    } as unknown as RfcTableReport;
    const svg = rfcTableSvg(report);
    expect(svg).toContain('>-0.4 ms<');
    expect(svg).toContain('>-0.3 ms<');
  });

  test('legend entries are as wide as their names and wrap', () => {
    const names = ['a very long series name that takes room', 'short', 'another long series name here', 'x'];
    const svg = barChartSvg({
      title: 't',
      unit: 'ns',
      labels: ['a'],
      series: names.map((name) => ({ name, color: '#333', values: [1] })),
    });
    const entries = [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="12" height="12"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
    }));
    expect(entries).toHaveLength(4);
    for (let i = 1; i < entries.length; i++) {
      const prev = entries[i - 1];
      if (entries[i].y === prev.y)
        expect(entries[i].x).toBeGreaterThanOrEqual(prev.x + 18 + textWidth(names[i - 1]));
    }
    expect(new Set(entries.map((e) => e.y)).size).toBeGreaterThan(1);
  });

  test('axis ticks: steps of 1, 2 or 5 times a power of ten, zero included', () => {
    expect(axisTicks(0, 95)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks(-0.7, 97)).toEqual([-20, 0, 20, 40, 60, 80, 100]);
    expect(axisTicks(0, 0.3)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
  });

  test('tables align columns', () => {
    expect(
      formatTable(
        ['phase', 'ms'],
        [
          ['a', '1.0'],
          ['long name', '12.5'],
        ],
      ),
    ).toBe(['phase        ms', '---------  ----', 'a           1.0', 'long name  12.5'].join('\n'));
  });
});
