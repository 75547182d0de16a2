/**
 * A grouped horizontal bar chart as standalone SVG: one group per label, one bar per series
 * (e.g. "tbpf" and "RFC 2013"), values on a shared linear axis with ticks. Negative values
 * draw to the left of the zero line. No dependencies; the text is escaped.
 */
export interface BarSeries {
  name: string;
  color: string;
  /** One value per label; undefined leaves a gap (e.g. a phase the RFC did not measure). */
  values: readonly (number | undefined)[];
}

export interface BarChart {
  title: string;
  unit: string;
  labels: readonly string[];
  series: readonly BarSeries[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A generous estimate of a 12px sans-serif string's width (no font metrics in a plain SVG writer). */
export const textWidth = (s: string): number => Math.ceil(s.length * 7);

/** Tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them, 0 included. */
export function axisTicks(lo: number, hi: number, count = 6): number[] {
  const span = Math.max(hi - lo, 1e-9);
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Integer multiples, so 0 is exactly a tick and no 0.30000000000000004 reaches the labels.
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
}

const tickText = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString('en') : String(v));

export function barChartSvg(chart: BarChart): string {
  const labelWidth = Math.min(440, Math.max(120, ...chart.labels.map(textWidth))) + 16;
  const plotWidth = 520;
  const bar = 16;
  const groupGap = 14;
  const top = 48;
  const groupHeight = chart.series.length * bar + groupGap;
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => Number.isFinite(v)));
  const ticks = axisTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const x = (v: number) => labelWidth + ((v - lo) / (hi - lo)) * plotWidth;
  const x0 = x(0);
  const width = labelWidth + plotWidth + 90;
  // The legend wraps: each entry as wide as its own name.
  const legend: { x: number; row: number; s: BarSeries }[] = [];
  let lx = labelWidth;
  let row = 0;
  for (const s of chart.series) {
    const w = 18 + textWidth(s.name) + 24;
    if (lx > labelWidth && lx + w > width - 10) {
      lx = labelWidth;
      row++;
    }
    legend.push({ x: lx, row, s });
    lx += w;
  }
  const axisY = top + chart.labels.length * groupHeight;
  const height = axisY + 44 + (row + 1) * 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${axisY}" stroke="#e4e4e4"/>`,
      `<line x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 5}" stroke="#333"/>`,
      `<text x="${tx}" y="${axisY + 18}" text-anchor="middle">${esc(tickText(t))}</text>`,
    );
  }
  chart.labels.forEach((label, i) => {
    const y0 = top + i * groupHeight;
    out.push(
      `<text x="${labelWidth - 8}" y="${y0 + (chart.series.length * bar) / 2 + 4}" text-anchor="end">${esc(label)}</text>`,
    );
    chart.series.forEach((s, j) => {
      const v = s.values[i];
      if (v === undefined || !Number.isFinite(v)) return;
      const y = y0 + j * bar;
      const end = x(v);
      const text = `${v.toFixed(1)} ${esc(chart.unit)}`;
      out.push(
        `<rect x="${Math.min(x0, end).toFixed(1)}" y="${y}" width="${Math.abs(end - x0).toFixed(1)}" height="${bar - 2}" fill="${s.color}"/>`,
        // A negative value's figure goes right of the zero line, clear of the labels on the left.
        `<text x="${(Math.max(x0, end) + 4).toFixed(1)}" y="${y + bar - 5}">${text}</text>`,
      );
    });
  });
  out.push(
    `<line x1="${x0.toFixed(1)}" y1="${top - 6}" x2="${x0.toFixed(1)}" y2="${axisY}" stroke="#333"/>`,
    `<line x1="${labelWidth}" y1="${axisY}" x2="${labelWidth + plotWidth}" y2="${axisY}" stroke="#333"/>`,
    `<text x="${labelWidth + plotWidth}" y="${axisY + 34}" text-anchor="end">${esc(chart.unit)}</text>`,
  );
  for (const { x: ex, row: r, s } of legend) {
    const ey = axisY + 44 + r * 20;
    out.push(
      `<rect x="${ex}" y="${ey}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${ex + 18}" y="${ey + 10}">${esc(s.name)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
