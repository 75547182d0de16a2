/** Text and SVG renderings of the bench reports. */
import type { NodeTableReport } from './node-table.js';
import type { RfcTableReport } from './rfc-table.js';
import { RFC_RATIOS } from './rfc-table.js';
import { formatRatio } from './stats.js';
import { barChartSvg } from './svg.js';
import { formatTable } from './table.js';
import type { VmTableReport } from './vm-table.js';

const ms = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));

export function rfcTableText(r: RfcTableReport): string {
  const rows = r.phases.map((p) => [
    p.label,
    ms(p.ms),
    p.id === 'none' ? '–' : ms(p.overheadMs),
    ms(p.rfcMs),
    p.rfcOverheadMs === undefined || p.id === 'none' ? '' : ms(p.rfcOverheadMs),
    String(p.recorded),
  ]);
  const table = formatTable(
    [
      `phase (${(r.iterations / 1e6).toLocaleString('en')}M skb alloc/free)`,
      'ms',
      'overhead',
      'RFC ms',
      'RFC overhead',
      'recorded',
    ],
    rows,
  );
  const lines = [
    table,
    '',
    `medians of ${r.repeats} interleaved runs per phase${r.iterations !== 1_000_000 ? ` (RFC figures are for 1M; compare overhead ratios)` : ''}`,
    '',
    'BPF-filter overhead / predicate-filter overhead (RFC 0.34, target ≤ 0.25):',
    ...Object.entries(r.bpfOverPredicate).map(([e, v]) => `  ${e.padEnd(7)} ${formatRatio(v)}`),
    'BPF-filter overhead / recording overhead (RFC 0.57, target ≤ 0.5):',
    ...Object.entries(r.bpfOverRecord).map(([e, v]) => `  ${e.padEnd(7)} ${formatRatio(v)}`),
    `tracing disabled again vs no tracing: ${(r.disabledVsNone * 100).toFixed(1)} % (RFC −0.2 %, target within 2 %)`,
    `x86-64 JIT filter overhead, constants blinded (the default) / not blinded: ${formatRatio(r.blindingCost)}`,
    `(RFC ratios computed from its table: ${formatRatio(RFC_RATIOS.bpfOverPredicate)} and ${formatRatio(RFC_RATIOS.bpfOverRecord)})`,
  ];
  return `${lines.join('\n')}\n`;
}

export function rfcTableSvg(r: RfcTableReport): string {
  const phases = r.phases.filter((p) => p.id !== 'none');
  return barChartSvg({
    title: 'Overhead over no tracing per 1M skb alloc/free: tbpf beside the 2013 RFC',
    unit: 'ms',
    labels: phases.map((p) => p.label),
    series: [
      {
        name: `tbpf (${r.iterations.toLocaleString('en')} iterations, scaled to 1M)`,
        color: '#3366cc',
        values: phases.map((p) => Math.max(0, p.overheadMs) * (1e6 / r.iterations)),
      },
      { name: 'RFC 2013 (kernel, x86-64)', color: '#dc7633', values: phases.map((p) => p.rfcOverheadMs) },
    ],
  });
}

const ns = (v: number | undefined, digits = 2) =>
  v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);

export function vmTableText(r: VmTableReport): string {
  const header = [
    'engine',
    'loop ns/insn',
    'mem ns/insn',
    'filter ns/call',
    'branchy ns/call',
    'empty ns/call',
    'compile 4096 ms',
  ];
  const rows = r.engines.map((e) =>
    e.available
      ? [
          e.engine,
          ns(e.figures.loop, 3),
          ns(e.figures.mem, 3),
          ns(e.figures.filter, 1),
          ns(e.figures.filter_branchy, 1),
          ns(e.figures.empty, 1),
          ns(e.compile4096Ms, 2),
        ]
      : [e.engine, `unavailable: ${e.reason ?? ''}`, '', '', '', '', ''],
  );
  const n = r.x64Native;
  if (n) {
    rows.push([
      'jit (C loop)',
      ns(n.loopNsPerInsn, 3),
      ns(n.memNsPerInsn, 3),
      ns(n.filterNsPerCall, 1),
      '',
      ns(n.emptyNsPerCall, 1),
      ns(n.compile4096Ms, 2),
    ]);
    rows.push([
      'jit (C, lea-confined)',
      ns(n.loopNsPerInsnConfined, 3),
      ns(n.memNsPerInsnConfined, 3),
      ns(n.filterNsPerCallConfined, 1),
      '',
      '',
      '',
    ]);
    rows.push([
      'jit (C, no sandbox)',
      ns(n.loopNsPerInsnDirect, 3),
      ns(n.memNsPerInsnDirect, 3),
      ns(n.filterNsPerCallDirect, 1),
      '',
      '',
      '',
    ]);
    rows.push([
      'jit (C, blinded)',
      ns(n.loopNsPerInsnBlinded, 3),
      ns(n.memNsPerInsnBlinded, 3),
      ns(n.filterNsPerCallBlinded, 1),
      '',
      '',
      '',
    ]);
  }
  if (r.gccFilterNsPerCall !== undefined)
    rows.push(['gcc -O2 native', '', '', ns(r.gccFilterNsPerCall, 1), '', '', '']);
  rows.push(['ubpf (bench README)', '3.4 / 0.115', '4.3 / 0.128', '85 / 3.2', '', '25 / 2.9', '1.3–1.9']);
  const lines = [
    formatTable(header, rows),
    '',
    'Engines are called from JavaScript through runFast(); "jit (C loop)" calls the JIT code N times from C',
    '(no JavaScript crossing); ubpf figures are interpreter / JIT from C on this machine kind.',
  ];
  if (n) {
    lines.push(
      `x86-64 JIT: JavaScript→native call overhead over the C loop ${ns(n.jsOverheadNs, 1)} ns (target ≤ 30 ns)`,
    );
    const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)} %`;
    lines.push(
      `x86-64 JIT, same run, C loop: the sandbox (${n.addressing} addressing) costs loop ${pct(n.loopNsPerInsn, n.loopNsPerInsnDirect)}, mem ${pct(n.memNsPerInsn, n.memNsPerInsnDirect)}, filter ${pct(n.filterNsPerCall, n.filterNsPerCallDirect)} (target ≤ 5 %; lea-confined: loop ${pct(n.loopNsPerInsnConfined, n.loopNsPerInsnDirect)}, mem ${pct(n.memNsPerInsnConfined, n.memNsPerInsnDirect)}, filter ${pct(n.filterNsPerCallConfined, n.filterNsPerCallDirect)}); constant blinding (the default) costs loop ${pct(n.loopNsPerInsnBlinded, n.loopNsPerInsn)}, mem ${pct(n.memNsPerInsnBlinded, n.memNsPerInsn)}, filter ${pct(n.filterNsPerCallBlinded, n.filterNsPerCall)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function vmTableSvg(r: VmTableReport): string {
  const engines = r.engines.filter((e) => e.available);
  const labels = [
    'filter ns/call',
    'branchy ns/call',
    'empty ns/call',
    'loop ns/insn ×10',
    'mem ns/insn ×10',
  ];
  const pick = (e: (typeof engines)[number]) => [
    e.figures.filter,
    e.figures.filter_branchy,
    e.figures.empty,
    (e.figures.loop ?? 0) * 10,
    (e.figures.mem ?? 0) * 10,
  ];
  const colors: Record<string, string> = { interp: '#999999', jit: '#dc7633', wasm: '#3366cc' };
  return barChartSvg({
    title: 'tbpf engines on the shared benchmark programs (called from JavaScript)',
    unit: 'ns',
    labels,
    series: engines.map((e) => ({ name: e.engine, color: colors[e.engine] ?? '#333', values: pick(e) })),
  });
}

const pct = (r: number) =>
  Number.isFinite(r) ? `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %` : 'n/a';
const range = ([lo, hi]: [number, number], f: (v: number) => string) => `${f(lo)} … ${f(hi)}`;
const int = (v: number) => Math.round(v).toLocaleString('en');

export function nodeTableText(r: NodeTableReport): string {
  const rows = r.phases.map((p) => [
    p.label,
    int(p.requestsPerSecond),
    (p.cpuNsPerRequest / 1000).toFixed(1),
    p.overheadNs === undefined ? '–' : int(p.overheadNs),
    p.overheadIqrNs === undefined ? '' : range(p.overheadIqrNs, int),
    p.id === 'none' ? '' : String(p.dropped),
    p.id === 'none' ? '' : String(p.recorded),
  ]);
  const table = formatTable(
    ['phase (demo HTTP service)', 'req/s', 'CPU µs/req', 'overhead ns/req', 'IQR', 'dropped', 'recorded'],
    rows,
  );
  const fmt = (o: Record<string, number>) =>
    Object.entries(o).map(([e, v]) => `  ${e.padEnd(7)} ${formatRatio(v)}`);
  const d = r.disabledVsNone;
  const lines = [
    table,
    '',
    `${r.repeats} rounds of ${r.requests.toLocaleString('en')} requests per phase (${r.concurrency} in flight, loopback), each run a fresh warmed-up server, Node ${r.node};`,
    `req/s and CPU: medians; CPU is the server's (all threads, schedstat); overhead: median over rounds of the CPU per request`,
    `minus that of the preloaded server with every event disabled in the same round, IQR its interquartile range;`,
    `dropped/recorded: over the measured rounds, events the filter dropped / records written to the trace buffer.`,
    `load average ${r.loadAverage.start.map((v) => v.toFixed(2)).join(' ')} at the start, ${r.loadAverage.end.map((v) => v.toFixed(2)).join(' ')} at the end`,
    '',
    `preload with every event disabled vs no preload (paired by round; target: within 1 %):`,
    `  req/s              ${pct(d.requestsPerSecond)}   (IQR ${range(d.requestsPerSecondIqr, pct)})`,
    `  CPU per request    ${pct(d.cpuNsPerRequest)}   (IQR ${range(d.cpuNsPerRequestIqr, pct)})`,
    'BPF-filter overhead / predicate-filter overhead (the RFC: 0.34):',
    ...fmt(r.bpfOverPredicate),
    'BPF-filter overhead / recording overhead (the RFC: 0.57):',
    ...fmt(r.bpfOverRecord),
    '',
    formatTable(
      ['the event path in this process', 'ns/event', '/ predicate', '/ recorded'],
      r.eventPath.map((e) => {
        const p = r.eventPath.find((x) => x.id === 'predicate')?.ns ?? Number.NaN;
        const rec = r.eventPath.find((x) => x.id === 'record')?.ns ?? Number.NaN;
        const bpf = e.id.startsWith('bpf-');
        return [
          e.label,
          e.ns.toFixed(0),
          bpf ? formatRatio(e.ns / p) : '',
          bpf ? formatRatio(e.ns / rec) : '',
        ];
      }),
    ),
    `(node:http_server_response_finish emitted ${r.eventPathCalls.toLocaleString('en')} times per batch with one real response's message,`,
    ` CPU time of the fastest of ${r.eventPathRepeats} batches: from Node's message to the filter's verdict or the committed record)`,
  ];
  return `${lines.join('\n')}\n`;
}

export function nodeTableSvg(r: NodeTableReport): string {
  const phases = r.phases.filter((p) => p.overheadNs !== undefined);
  return barChartSvg({
    title:
      "Per-request overhead on a Node.js HTTP service, node:http_server_response_finish (CPU ns over 'preload, disabled')",
    unit: 'ns',
    labels: phases.map((p) => p.label),
    series: [
      {
        name: `tbpf (medians of ${r.repeats} paired rounds × ${r.requests.toLocaleString('en')} requests)`,
        color: '#3366cc',
        values: phases.map((p) => Math.max(0, p.overheadNs ?? 0)),
      },
    ],
  });
}
