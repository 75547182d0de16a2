/**
 * A grouped horizontal bar chart as standalone SVG: one group per label, one bar per series
 * (e.g. "tbpf" and "RFC 2013"), values on a shared linear axis. No dependencies; the text is
 * escaped.
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

export function barChartSvg(chart: BarChart): string {
  const labelWidth = 260;
  const plotWidth = 520;
  const bar = 16;
  const groupGap = 14;
  const top = 48;
  const groupHeight = chart.series.length * bar + groupGap;
  const height = top + chart.labels.length * groupHeight + 56;
  const width = labelWidth + plotWidth + 90;
  const max = Math.max(
    1e-9,
    ...chart.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined)),
  );
  const x = (v: number) => labelWidth + (Math.max(0, v) / max) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  chart.labels.forEach((label, i) => {
    const y0 = top + i * groupHeight;
    out.push(
      `<text x="${labelWidth - 8}" y="${y0 + (chart.series.length * bar) / 2 + 4}" text-anchor="end">${esc(label)}</text>`,
    );
    chart.series.forEach((s, j) => {
      const v = s.values[i];
      if (v === undefined || !Number.isFinite(v)) return;
      const y = y0 + j * bar;
      out.push(
        `<rect x="${labelWidth}" y="${y}" width="${(x(v) - labelWidth).toFixed(1)}" height="${bar - 2}" fill="${s.color}"/>`,
        `<text x="${(x(v) + 4).toFixed(1)}" y="${y + bar - 5}">${v.toFixed(1)} ${esc(chart.unit)}</text>`,
      );
    });
  });
  const axisY = top + chart.labels.length * groupHeight;
  out.push(`<line x1="${labelWidth}" y1="${top - 6}" x2="${labelWidth}" y2="${axisY}" stroke="#333"/>`);
  chart.series.forEach((s, j) => {
    const lx = labelWidth + j * 160;
    out.push(
      `<rect x="${lx}" y="${axisY + 18}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 18}" y="${axisY + 28}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
