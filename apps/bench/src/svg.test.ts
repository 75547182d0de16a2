import { describe, expect, test } from 'vitest';
import { median } from './stats.js';
import { barChartSvg } from './svg.js';
import { formatTable } from './table.js';

describe('bench output', () => {
  test('median', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  test('the SVG chart is well-formed, scales bars to the largest value and escapes text', () => {
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
    const widths = [...svg.matchAll(/<rect x="260" y="\d+" width="([\d.]+)" height="14"/g)].map((m) =>
      Number(m[1]),
    );
    expect(widths).toEqual([520 * (10 / 95), 520, 520 * (20 / 95)].map((w) => Number(w.toFixed(1))));
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
