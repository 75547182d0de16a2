/**
 * The verifier on a corpus of real objects, beside the running kernel's verifier: for every
 * program of every ELF object under a folder, tbpf's verdict, processed instructions and time,
 * and — where bpf(2) works (root) — the kernel's verdict, processed instructions and time for
 * the same instructions, maps and program type (through `packages/verifier/scripts/bpf-oracle.c`).
 *
 * The corpus stays outside the repository: the folder is an argument. When it holds PREVAIL's
 * `expectations.tsv` (vbpf/ebpf-samples), its rows name the programs and their expected status;
 * otherwise every `*.o` below the folder is measured.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type LinkedProgram, linkProgram, readObject } from '@tbpf/asm';
import { encode } from '@tbpf/isa';
import { builtinType, type ProgramType, verify } from '@tbpf/verifier';
import { median } from './stats.js';

export interface KernelVerdict {
  accepted: boolean;
  /** The last log line before the statistics (rejections). */
  error?: string;
  processed?: number;
  usec?: number;
}

export interface CorpusProgram {
  object: string;
  section: string;
  function: string;
  /** PREVAIL's status from expectations.tsv (pass, expected_failure, reject, reject_load). */
  expected?: string;
  /** tbpf's program type ('' when tbpf has no type for the section). */
  type: string;
  /** Why the program could not be given to the verifier (object or link error, unknown type). */
  loadError?: string;
  tbpf?: { accepted: boolean; error?: string; processed: number; states: number; ms: number };
  kernel?: KernelVerdict;
}

export interface VerifierCorpusReport {
  dir: string;
  repeats: number;
  loadAverage: number[];
  programs: CorpusProgram[];
  /** Largest resident set of this process during the run, in MB. */
  peakRssMb: number;
}

/** Linux's enum bpf_prog_type, the numbers bpf(2) takes. */
const PROG_TYPE = {
  socket_filter: 1,
  kprobe: 2,
  sched_cls: 3,
  sched_act: 4,
  tracepoint: 5,
  xdp: 6,
  perf_event: 7,
  cgroup_skb: 8,
  cgroup_sock: 9,
  lwt_in: 10,
  lwt_out: 11,
  lwt_xmit: 12,
  sock_ops: 13,
  sk_skb: 14,
  cgroup_device: 15,
  sk_msg: 16,
  raw_tracepoint: 17,
  cgroup_sock_addr: 18,
  lwt_seg6local: 19,
  sk_reuseport: 21,
  flow_dissector: 22,
  cgroup_sysctl: 23,
  cgroup_sockopt: 25,
  sk_lookup: 30,
} as const;
type KernelType = keyof typeof PROG_TYPE;

/**
 * libbpf's section prefixes (legacy names included), longest first where they share a start.
 * Only for the measurement: the library's own section → program type mapping replaces it.
 */
const SECTION_TYPES: [RegExp, KernelType][] = [
  [/^(socket|socket_filter)/, 'socket_filter'],
  [/^(kprobe|kretprobe|uprobe|uretprobe)\b/, 'kprobe'],
  [/^(tracepoint|tp)\//, 'tracepoint'],
  [/^(raw_tracepoint|raw_tp)\//, 'raw_tracepoint'],
  [/^(perf_event)/, 'perf_event'],
  [/^xdp/, 'xdp'],
  [/^(classifier|tc|sched_cls)/, 'sched_cls'],
  [/^(action|sched_act)/, 'sched_act'],
  [/^cgroup\/skb|^cgroup_skb\//, 'cgroup_skb'],
  [/^cgroup\/(sock|post_bind)/, 'cgroup_sock'],
  [/^cgroup\/dev/, 'cgroup_device'],
  [/^(sockops|sock_ops)/, 'sock_ops'],
  [/^sk_skb/, 'sk_skb'],
  [/^sk_msg/, 'sk_msg'],
  [/^lwt_in/, 'lwt_in'],
  [/^lwt_out/, 'lwt_out'],
  [/^lwt_xmit/, 'lwt_xmit'],
  [/^lwt_seg6local/, 'lwt_seg6local'],
  [/^flow_dissector/, 'flow_dissector'],
];

function kernelTypeOf(section: string): KernelType | undefined {
  return SECTION_TYPES.find(([re]) => re.test(section))?.[1];
}

/** The tbpf program type for a kernel type, where tbpf has one. */
function tbpfTypeOf(kernel: KernelType | undefined): ProgramType | undefined {
  if (kernel === 'kprobe') return builtinType('kprobe');
  if (kernel === 'socket_filter') return builtinType('socket_filter');
  return undefined;
}

interface Row {
  object: string;
  section: string;
  function: string;
  expected?: string;
}

/** The programs to measure: expectations.tsv's rows, else every program of every object. */
function listPrograms(dir: string): Row[] {
  const tsv = join(dir, 'expectations.tsv');
  if (existsSync(tsv)) {
    const [header, ...lines] = readFileSync(tsv, 'utf8').trim().split('\n');
    const cols = header.split('\t');
    const at = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? '';
    return lines.map((l) => {
      const c = l.split('\t');
      return {
        object: `${at(c, 'project')}/${at(c, 'object')}`,
        section: at(c, 'section'),
        function: at(c, 'function'),
        expected: at(c, 'status'),
      };
    });
  }
  const rows: Row[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) {
        try {
          for (const prog of readObject(readFileSync(p)).programs)
            rows.push({ object: relative(dir, p), section: prog.section, function: prog.name });
        } catch {
          rows.push({ object: relative(dir, p), section: '', function: '' });
        }
      }
    }
  };
  walk(dir);
  return rows;
}

/** Build the kernel oracle; undefined where bpf(2) cannot be used. */
export function buildKernelOracle(repoRoot: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const bin = join(mkdtempSync(join(tmpdir(), 'bpf-oracle-')), 'oracle');
    execFileSync('gcc', ['-O2', '-o', bin, join(repoRoot, 'packages/verifier/scripts/bpf-oracle.c')]);
    return bin;
  } catch {
    return undefined;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function kernelVerdict(
  oracle: string,
  kernelType: KernelType,
  linked: LinkedProgram,
): KernelVerdict | undefined {
  const maps = linked.maps.map((m) => {
    // perf_event_array with max_entries 0 means "one per CPU" to libbpf.
    const max = m.maxEntries === 0 && m.type === 4 ? 64 : m.maxEntries;
    return `map ${m.type} ${m.keySize} ${m.valueSize} ${max} ${m.flags}\n`;
  });
  const input = `type ${PROG_TYPE[kernelType]}\n${maps.join('')}prog ${hex(encode(linked.insns))}\n`;
  const run = spawnSync(oracle, [], { input, maxBuffer: 1 << 26 });
  if (run.status !== 0) return undefined;
  const [verdict, error, stats = '', time = ''] = run.stdout.toString().split('\n');
  const processed = /^processed (\d+) insns/.exec(stats)?.[1];
  const usec = /^verification time (\d+) usec/.exec(time)?.[1];
  return {
    accepted: verdict === 'accept',
    ...(verdict === 'accept' ? {} : { error }),
    ...(processed ? { processed: Number(processed) } : {}),
    ...(usec ? { usec: Number(usec) } : {}),
  };
}

export interface VerifierCorpusOptions {
  dir: string;
  /** Times each program is verified; the reported time is the median. */
  repeats: number;
  /** Path of the built kernel oracle, or undefined to measure tbpf alone. */
  oracle?: string;
  /** Only objects whose path contains this text. */
  filter?: string;
  progress?: (done: number, total: number, label: string) => void;
}

export function runVerifierCorpus(opts: VerifierCorpusOptions): VerifierCorpusReport {
  const rows = listPrograms(opts.dir).filter((r) => !opts.filter || r.object.includes(opts.filter));
  const programs: CorpusProgram[] = [];
  const objects = new Map<string, ReturnType<typeof readObject> | Error>();
  rows.forEach((row, i) => {
    opts.progress?.(i, rows.length, `${row.object} ${row.section}`);
    const kernelType = kernelTypeOf(row.section);
    const type = tbpfTypeOf(kernelType);
    const out: CorpusProgram = { ...row, type: type?.name ?? '' };
    programs.push(out);
    let obj = objects.get(row.object);
    if (!obj) {
      try {
        obj = readObject(readFileSync(join(opts.dir, row.object)));
      } catch (e) {
        obj = e instanceof Error ? e : new Error(String(e));
      }
      objects.set(row.object, obj);
    }
    if (obj instanceof Error) {
      out.loadError = obj.message;
      return;
    }
    let linked: LinkedProgram;
    try {
      const name = obj.programs.find((p) => p.name === row.function && p.section === row.section)?.name;
      linked = linkProgram(obj, name ?? row.function);
    } catch (e) {
      out.loadError = e instanceof Error ? e.message : String(e);
      return;
    }
    if (opts.oracle && kernelType) out.kernel = kernelVerdict(opts.oracle, kernelType, linked);
    if (!type) {
      out.loadError = `no tbpf program type for section '${row.section}'`;
      return;
    }
    const vopts = { type, maps: linked.maps };
    const result = verify(linked.insns, vopts);
    const times: number[] = [];
    for (let k = 0; k < opts.repeats; k++) {
      const t0 = process.hrtime.bigint();
      verify(linked.insns, vopts);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    out.tbpf = {
      accepted: result.accepted,
      ...(result.error ? { error: result.error.reason } : {}),
      processed: result.stats.processed,
      states: result.stats.totalStates,
      ms: times.length ? median(times) : Number.NaN,
    };
  });
  return {
    dir: opts.dir,
    repeats: opts.repeats,
    loadAverage: loadavg(),
    programs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)} %` : 'n/a');

/** The summary: verdicts, agreement with the kernel, processed-instruction ratios, speed. */
export function verifierCorpusText(r: VerifierCorpusReport): string {
  const ps = r.programs;
  const judged = ps.filter((p) => p.tbpf);
  const lines: string[] = [];
  lines.push(
    `${ps.length} programs in ${new Set(ps.map((p) => p.object)).size} objects; tbpf judged ${judged.length} (accepted ${judged.filter((p) => p.tbpf!.accepted).length})`,
  );
  const byStatus = new Map<string, [number, number, number]>();
  for (const p of ps) {
    const k = p.expected ?? '(none)';
    const row = byStatus.get(k) ?? [0, 0, 0];
    row[p.tbpf ? (p.tbpf.accepted ? 0 : 1) : 2]++;
    byStatus.set(k, row);
  }
  lines.push('', 'expected status      tbpf accepts  rejects  not judged');
  for (const [k, [a, rj, n]] of byStatus)
    lines.push(
      `${k.padEnd(20)} ${String(a).padStart(12)} ${String(rj).padStart(8)} ${String(n).padStart(11)}`,
    );

  const withKernel = ps.filter((p) => p.kernel);
  if (withKernel.length) {
    const both = ps.filter((p) => p.tbpf && p.kernel);
    const agree = both.filter((p) => p.tbpf!.accepted === p.kernel!.accepted);
    lines.push(
      '',
      `kernel judged ${withKernel.length} (accepted ${withKernel.filter((p) => p.kernel!.accepted).length}); verdicts agree on ${agree.length} of ${both.length} judged by both (${pct(agree.length, both.length)})`,
    );
    const bothAccept = both.flatMap((p) =>
      p.tbpf?.accepted && p.kernel?.accepted && p.kernel.processed
        ? [{ p, tbpf: p.tbpf.processed, kernel: p.kernel.processed, ms: p.tbpf.ms, usec: p.kernel.usec ?? 0 }]
        : [],
    );
    if (bothAccept.length) {
      const ratios = bothAccept.map((b) => b.tbpf / b.kernel);
      const sum = (f: (b: (typeof bothAccept)[number]) => number) => bothAccept.reduce((s, b) => s + f(b), 0);
      const tp = sum((b) => b.tbpf);
      const kp = sum((b) => b.kernel);
      lines.push(
        `both accept ${bothAccept.length}: processed tbpf ${fmtInt(tp)} vs kernel ${fmtInt(kp)} (${(tp / kp).toFixed(2)}×); per program ratio median ${median(ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}, ${ratios.filter((x) => x > 1.5).length} over 1.5×`,
        `time on those: tbpf ${sum((b) => b.ms).toFixed(0)} ms, kernel ${(sum((b) => b.usec) / 1000).toFixed(0)} ms`,
      );
      const worst = bothAccept
        .map((b, i) => ({ b, x: ratios[i] }))
        .sort((a, b) => b.x - a.x)
        .slice(0, 10);
      lines.push('worst ratios:');
      for (const { b, x } of worst)
        lines.push(
          `  ${x.toFixed(2)}×  ${b.p.object} ${b.p.section}/${b.p.function}: ${fmtInt(b.tbpf)} vs ${fmtInt(b.kernel)}`,
        );
    }
    const overBudget = both.filter(
      (p) => p.kernel?.accepted && p.tbpf && !p.tbpf.accepted && /too large/.test(p.tbpf.error ?? ''),
    );
    lines.push(`kernel accepts, tbpf over the budget: ${overBudget.length}`);
    for (const p of overBudget) lines.push(`  ${p.object} ${p.section}/${p.function}`);
  }

  if (judged.length) {
    const processed = judged.reduce((s, p) => s + p.tbpf!.processed, 0);
    const ms = judged.reduce((s, p) => s + p.tbpf!.ms, 0);
    const rates = judged.filter((p) => p.tbpf!.ms > 0).map((p) => p.tbpf!.processed / p.tbpf!.ms);
    const slowest = judged.reduce((a, b) => (b.tbpf!.ms > a.tbpf!.ms ? b : a));
    lines.push(
      '',
      `speed: ${fmtInt(processed)} processed in ${ms.toFixed(0)} ms = ${fmtInt((processed / ms) * 1000)} insns/s over the corpus; per program median ${fmtInt(median(rates) * 1000)} insns/s`,
      `slowest: ${slowest.object} ${slowest.section}/${slowest.function} ${slowest.tbpf!.ms.toFixed(0)} ms (${fmtInt(slowest.tbpf!.processed)} processed)`,
    );
  }
  lines.push(
    `peak RSS ${r.peakRssMb.toFixed(0)} MB; median of ${r.repeats} timed run(s) per program; load average ${r.loadAverage.map((x) => x.toFixed(2)).join(' ')}`,
  );
  return `${lines.join('\n')}\n`;
}
