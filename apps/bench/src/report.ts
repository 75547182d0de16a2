/** Text and SVG renderings of the bench reports. */
import type { NodePhaseResult, NodeTableReport } from './node-table.js';
import type { Estimate } from './paired.js';
import type { BpfPhaseId, RfcTableReport, Spread } from './rfc-table.js';
import { RFC_RATIOS } from './rfc-table.js';
import { formatRatio } from './stats.js';
import { barChartSvg } from './svg.js';
import { formatTable } from './table.js';
import type { Figure, ProgramName, UbpfFigures, VmTableReport } from './vm-table.js';

const ms = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));

/** The issue-18 targets for the ratios (none for the unblinded JIT, a comparison only). */
const RATIO_TARGETS: Record<'bpfOverPredicate' | 'bpfOverRecord', Partial<Record<BpfPhaseId, number>>> = {
  bpfOverPredicate: { 'bpf-interp': 0.9, 'bpf-jit': 0.3, 'bpf-wasm': 0.2 },
  bpfOverRecord: { 'bpf-jit': 0.25, 'bpf-wasm': 0.15 },
};

export function rfcTableText(r: RfcTableReport, quick = false): string {
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
  const label = (id: string) => r.phases.find((p) => p.id === id)?.label.replace(/^BPF filter, /, '') ?? id;
  const ratioLines = (key: 'bpfOverPredicate' | 'bpfOverRecord') => {
    const entries = Object.entries(r[key]) as [BpfPhaseId, Spread][];
    const width = Math.max(...entries.map(([id]) => label(id).length));
    return entries.map(([id, v]) => {
      const target = RATIO_TARGETS[key][id];
      return `  ${label(id).padEnd(width)}  ${formatRatio(v.median)}  [${formatRatio(v.min)}–${formatRatio(v.max)}]${target === undefined ? '' : `  target ≤ ${target}`}`;
    });
  };
  const lines = [
    table,
    '',
    `CPU time; each phase ran in ${r.rounds} process${r.rounds === 1 ? '' : 'es'} of its own, ${r.repeats} runs alternating with no tracing; ms: median over`,
    `processes; overhead: the phase minus no tracing in the same process, median over processes${r.iterations !== 1_000_000 ? ' (RFC figures are for 1M; compare overhead ratios)' : ''}.`,
    `load average ${r.loadAverage.start.map((v) => v.toFixed(1)).join(' ')} at the start, ${r.loadAverage.end.map((v) => v.toFixed(1)).join(' ')} at the end`,
    '',
    `BPF-filter overhead / predicate-filter overhead (of the medians [extreme processes]; RFC ${formatRatio(RFC_RATIOS.bpfOverPredicate)}):`,
    ...ratioLines('bpfOverPredicate'),
    `BPF-filter overhead / recording overhead (RFC ${formatRatio(RFC_RATIOS.bpfOverRecord)}):`,
    ...ratioLines('bpfOverRecord'),
    `tracing disabled again vs no tracing: ${(r.disabledVsNone * 100).toFixed(1)} % (RFC −0.2 %, target within 2 %)`,
    `x86-64 JIT filter overhead, constants blinded (the default) / not blinded: ${formatRatio(r.blindingCost)}`,
  ];
  if (quick)
    lines.push(
      '',
      'A --quick run (shorter runs, one process per phase): its ratios are not to be read — they move by more than ±0.05',
      'from run to run. Run without --quick for the table.',
    );
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
        values: phases.map((p) => p.overheadMs * (1e6 / r.iterations)),
      },
      { name: 'RFC 2013 (kernel, x86-64)', color: '#dc7633', values: phases.map((p) => p.rfcOverheadMs) },
    ],
  });
}

const ns = (v: number | undefined, digits = 2) =>
  v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);

/**
 * The first program's parts, the first run after it (WebAssembly compiles a function on its first
 * call) and the imports before it, per engine.
 */
function firstRuns(r: VmTableReport): string {
  const runs = r.variants.flatMap((v) => {
    const p = v.firstProgramParts;
    if (!p || !v.firstRunMs) return [];
    const imports = v.firstImportMs
      ? `, imports before it (not counted) ${ns(v.firstImportMs.median, 1)}`
      : '';
    return [
      `${v.id}: load ${ns(p.loadMs.median, 2)} + prepare ${ns(p.prepareMs.median, 2)}, first run ${ns(v.firstRunMs.median, 2)}${imports}`,
    ];
  });
  return runs.length > 0 ? ` — in ms, ${runs.join('; ')}` : '';
}

export function vmTableText(r: VmTableReport): string {
  const header = [
    'engine',
    'loop ns/insn',
    'mem ns/insn',
    'filter ns/call',
    'branchy ns/call',
    'empty ns/call',
    'compile 4096 ms',
    'first program ms',
  ];
  const m = (f: Figure | undefined) => f?.median;
  const programRow = (label: string, f: Partial<Record<ProgramName, Figure>>) => [
    label,
    ns(m(f.loop), 3),
    ns(m(f.mem), 3),
    ns(m(f.filter), 1),
    ns(m(f.filter_branchy), 1),
    ns(m(f.empty), 1),
  ];
  const rows = r.variants.map((e) =>
    e.available
      ? [...programRow(e.label, e.figures), ns(m(e.compile4096Ms), 2), ns(m(e.firstProgramMs), 2)]
      : [e.label, `unavailable: ${e.reason ?? ''}`, '', '', '', '', '', ''],
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
    for (const [label, v] of [
      ['jit (C, lea-confined)', 'Confined'],
      ['jit (C, no sandbox)', 'Direct'],
      ['jit (C, blinded)', 'Blinded'],
    ] as const) {
      rows.push([
        label,
        ns(n[`loopNsPerInsn${v}`], 3),
        ns(n[`memNsPerInsn${v}`], 3),
        ns(n[`filterNsPerCall${v}`], 1),
        '',
        '',
        '',
      ]);
    }
  }
  if (r.gccFilterNsPerCall !== undefined)
    rows.push(['gcc -O2 native', '', '', ns(r.gccFilterNsPerCall, 1), '', '', '']);
  const u = r.ubpf;
  if (u) {
    rows.push([
      ...programRow('ubpf JIT (from C)', u.jit),
      ns(u.compile4096Ms.median, 2),
      ns(u.firstProgramMs.median, 2),
    ]);
    rows.push([...programRow('ubpf JIT, constants blinded (from C)', u.jitBlinded), '', '']);
    rows.push([...programRow('ubpf interpreter (bounds checks, its default)', u.interp), '', '']);
  }
  const spreads = r.variants.flatMap((e) =>
    Object.entries(e.figures).map(([p, f]) => ({ what: `${e.id} ${p}`, spread: (f.max - f.min) / f.median })),
  );
  const widest = spreads.sort((a, b) => b.spread - a.spread)[0];
  const lines = [
    formatTable(header, rows),
    '',
    `Each tbpf figure is measured in a process of its own (one engine, one program), called from JavaScript through`,
    `runFast(); CPU time; the median over ${r.rounds} rounds of processes, each the median of ${r.repeats} samples` +
      (widest
        ? ` (widest round-to-round spread: ${(widest.spread * 100).toFixed(0)} %, ${widest.what}).`
        : '.'),
    'compile 4096: load its bytes + prepare a 4,096-instruction program, warm (one not compiled before, after 200 rounds);',
    'first program: create a runtime + load its bytes + prepare, the first thing a fresh process does after',
    'importing @tbpf/isa, @tbpf/vm and the engine (CPU time of every thread: V8 optimising the code in the background',
    `counts)${firstRuns(r)}. "jit (C loop)" calls the JIT code N times from C.`,
    u
      ? `ubpf ${u.commit ?? ''} (${u.dir}) measured in the same rounds, from C; compile = ubpf_create + ubpf_load + ubpf_compile.`
      : `No ubpf row: ${r.ubpfMissing ?? 'not measured'} (point TBPF_UBPF at a built ubpf checkout to measure it in the same run).`,
    `load average ${r.loadAverage.start.map((v) => v.toFixed(1)).join(' ')} at the start, ${r.loadAverage.end.map((v) => v.toFixed(1)).join(' ')} at the end`,
  ];
  if (u) lines.push('', ...ubpfRatios(r, u));
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
  const engines = r.variants.filter((e) => e.available);
  const labels = [
    'filter ns/call',
    'branchy ns/call',
    'empty ns/call',
    'loop ns/insn ×10',
    'mem ns/insn ×10',
  ];
  const pick = (f: Partial<Record<ProgramName, Figure>>) => [
    f.filter?.median,
    f.filter_branchy?.median,
    f.empty?.median,
    f.loop === undefined ? undefined : f.loop.median * 10,
    f.mem === undefined ? undefined : f.mem.median * 10,
  ];
  const colors: Record<string, string> = {
    interp: '#999999',
    'interp-unchecked': '#cccccc',
    jit: '#dc7633',
    wasm: '#3366cc',
  };
  const series = engines.map((e) => ({
    name: e.label,
    color: colors[e.id] ?? '#333',
    values: pick(e.figures),
  }));
  if (r.ubpf) series.push({ name: 'ubpf JIT (from C)', color: '#2e8b57', values: pick(r.ubpf.jit) });
  return barChartSvg({
    title: 'tbpf engines on the shared benchmark programs (called from JavaScript)',
    unit: 'ns',
    labels,
    series,
  });
}

/** tbpf's figures over ubpf's, same run. */
function ubpfRatios(r: VmTableReport, u: UbpfFigures): string[] {
  const by = (id: string) => r.variants.find((v) => v.id === id && v.available);
  const x = (a: Figure | undefined, b: Figure | undefined) =>
    a && b ? `${(a.median / b.median).toFixed(2)}×` : 'n/a';
  const jit = by('jit');
  const wasm = by('wasm');
  const interp = by('interp');
  const out = ['tbpf / ubpf, same run (tbpf from JavaScript, ubpf from C):'];
  for (const p of ['loop', 'mem'] as const) {
    out.push(
      `  ${p} ns/insn: JIT ${x(jit?.figures[p], u.jit[p])} of ubpf's JIT (${x(jit?.figures[p], u.jitBlinded[p])} of its blinded JIT), ` +
        `wasm ${x(wasm?.figures[p], u.jit[p])}, interpreter ${x(interp?.figures[p], u.interp[p])} (both with bounds checks)`,
    );
  }
  for (const p of ['filter', 'empty'] as const) {
    out.push(
      `  ${p} ns/call: JIT ${x(jit?.figures[p], u.jit[p])}, wasm ${x(wasm?.figures[p], u.jit[p])} of ubpf's JIT called from C`,
    );
  }
  out.push(
    `  compile 4096 (warm): JIT ${x(jit?.compile4096Ms, u.compile4096Ms)}, wasm ${x(wasm?.compile4096Ms, u.compile4096Ms)}; ` +
      `first program: JIT ${x(jit?.firstProgramMs, u.firstProgramMs)}, wasm ${x(wasm?.firstProgramMs, u.firstProgramMs)}`,
  );
  return out;
}

const pct = (r: number) =>
  Number.isFinite(r) ? `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %` : 'n/a';
const range = ([lo, hi]: [number, number], f: (v: number) => string) => `${f(lo)} … ${f(hi)}`;
const int = (v: number) => Math.round(v).toLocaleString('en');

/** An estimate and its interval: "+0.4 % (−0.3 … +1.1 %)" for ratios, "812 (640 … 990)" for ns. */
const estimate = (e: Estimate | undefined, f: (v: number) => string) =>
  e === undefined ? '–' : `${f(e.value)} (${range(e.ci, f)})`;

/** A phase against no preload: CPU per request and req/s, each with its interval. */
const versus = (p: NodePhaseResult | undefined, title: string) =>
  p
    ? [
        title,
        `  CPU per request    ${estimate(p.cpuVsNone, pct)}`,
        `  req/s              ${estimate(p.requestsPerSecondVsNone, pct)}`,
      ]
    : [];

export function nodeTableText(r: NodeTableReport): string {
  const rows = r.phases.map((p) => [
    p.label,
    int(p.requestsPerSecond),
    (p.cpuNsPerRequest / 1000).toFixed(1),
    estimate(p.cpuVsNone, pct),
    estimate(p.requestsPerSecondVsNone, pct),
    estimate(p.overheadNs, int),
    p.id.startsWith('none') ? '' : String(p.dropped),
    p.id.startsWith('none') ? '' : String(p.recorded),
  ]);
  const table = formatTable(
    [
      'phase (demo HTTP service)',
      'req/s',
      'CPU µs/req',
      'CPU/req vs no preload',
      'req/s vs no preload',
      'overhead ns/req',
      'dropped',
      'recorded',
    ],
    rows,
  );
  const fmt = (o: Record<string, number>) =>
    Object.entries(o).map(([e, v]) => `  ${e.padEnd(7)} ${formatRatio(v)}`);
  const by = new Map(r.phases.map((p) => [p.id, p]));
  const disabled = by.get('disabled');
  const aa = by.get('none-again');
  const lines = [
    table,
    '',
    `${r.groups} groups of fresh servers, one per phase, all running at once; in each, ${r.warmup.toLocaleString('en')} warm-up requests to each server,`,
    `then ${r.rounds} rounds of one burst of ${r.requests.toLocaleString('en')} requests to each (${r.concurrency} in flight, loopback), in a rotating order; Node ${r.node}.`,
    `req/s and CPU µs/req: medians of every burst; CPU is the server's (all threads, schedstat).`,
    `vs no preload, overhead (CPU ns/req over the preload with every event disabled): paired by round, mean over groups of`,
    `the median over rounds, with the 95 % interval of a bootstrap over groups and rounds (${r.resamples.toLocaleString('en')} resamples).`,
    `dropped/recorded: over every burst (warm-ups included), events the filter dropped / records written to the trace buffer.`,
    `load average ${r.loadAverage.start.map((v) => v.toFixed(2)).join(' ')} at the start, ${r.loadAverage.end.map((v) => v.toFixed(2)).join(' ')} at the end`,
    '',
    ...versus(disabled, 'preload with every event disabled vs no preload (target: within 1 %):'),
    ...versus(aa, "a second server without the preload vs the first (the method's A/A check, expected 0):"),
    ...(by.has('predicate') || by.has('record')
      ? [
          'BPF-filter overhead / predicate-filter overhead (the RFC: 0.34):',
          ...fmt(r.bpfOverPredicate),
          'BPF-filter overhead / recording overhead (the RFC: 0.57):',
          ...fmt(r.bpfOverRecord),
        ]
      : []),
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
        name: `tbpf (${r.groups} groups × ${r.rounds} paired rounds × ${r.requests.toLocaleString('en')} requests)`,
        color: '#3366cc',
        values: phases.map((p) => p.overheadNs?.value),
      },
    ],
  });
}
