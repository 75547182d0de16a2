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
import {
  type LinkedProgram,
  linkProgram,
  type MapSpec,
  type ObjectFile,
  type ProgramSpec,
  readObject,
} from '@tbpf/asm';
import { decode, encode } from '@tbpf/isa';
import {
  kernelTypeNumbers,
  linuxProgramType,
  type ProgramType,
  programTypeForSection,
  programTypeForUnknownSection,
  type VerifyOptions,
  verify,
} from '@tbpf/verifier';
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
  tbpf?: {
    accepted: boolean;
    error?: string;
    processed: number;
    states: number;
    ms: number;
    /** Stack bytes the engines zero on entry (the program may read stack it did not write). */
    zeroedBytes: number;
  };
  kernel?: KernelVerdict;
}

export interface VerifierCorpusReport {
  dir: string;
  /** Timed passes over the corpus (after one untimed pass, the verdicts and the JIT's warm-up). */
  repeats: number;
  /** CPU time of verifying every program once (one pass), median of the passes, in ms. */
  passMs: number;
  loadAverage: number[];
  programs: CorpusProgram[];
  /** Largest resident set of this whole process (Node itself, code, heap, buffers) from its start to the end of the run, in MB. */
  peakRssMb: number;
  /** The same figure at the end of each phase: the verdict pass (objects read one at a time), the timed passes. */
  peakRssMbByPhase: { verdicts: number; timed: number };
}

/**
 * One ProgramType object per section and per default type, shared by the programs that have it:
 * each is several KB (its helper set, its context layout) and the run keeps the type of every
 * program it times.
 */
const types = new Map<string, ProgramType | undefined>();
function shared(key: string, make: () => ProgramType | undefined): ProgramType | undefined {
  if (!types.has(key)) types.set(key, make());
  return types.get(key);
}

/** The library's type for a section (libbpf's rules); undefined for a section libbpf does not know. */
const sectionType = (section: string) => shared(`section ${section}`, () => programTypeForSection(section));

/**
 * The program type of a program: the library's section mapping (libbpf's rules) and its rule for
 * sections libbpf does not know — except Cilium's objects, which PREVAIL types by file name
 * (`xdp` in it: XDP, else a tc program), as their loader does.
 */
function typeOf(object: string, section: string, linked: LinkedProgram): ProgramType {
  const known = sectionType(section);
  if (known) return known;
  if (/cilium/.test(object)) {
    const name = /xdp/.test(object) ? 'xdp' : 'sched_cls';
    return shared(name, () => linuxProgramType(name))!;
  }
  if (section === '.text') return shared('socket_filter', () => linuxProgramType('socket_filter'))!;
  // The rule picks one of two types by name, with no options: the same object as by that name.
  const chosen = programTypeForUnknownSection(linked.insns);
  return shared(chosen.name, () => chosen)!;
}

interface Row {
  object: string;
  section: string;
  function: string;
  expected?: string;
}

/**
 * The objects to measure, in order, each with the rows naming its programs: expectations.tsv's
 * rows (consecutive rows of one object form one entry), else every `*.o` below the folder with no
 * rows — its programs are listed when it is read, so no object is read twice.
 */
function listObjects(dir: string): { object: string; rows?: Row[] }[] {
  const tsv = join(dir, 'expectations.tsv');
  if (existsSync(tsv)) {
    const [header, ...lines] = readFileSync(tsv, 'utf8').trim().split('\n');
    const cols = header.split('\t');
    const at = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? '';
    const objects: { object: string; rows: Row[] }[] = [];
    for (const l of lines) {
      const c = l.split('\t');
      const row: Row = {
        object: `${at(c, 'project')}/${at(c, 'object')}`,
        section: at(c, 'section'),
        function: at(c, 'function'),
        expected: at(c, 'status'),
      };
      const last = objects.at(-1);
      if (last?.object === row.object) last.rows.push(row);
      else objects.push({ object: row.object, rows: [row] });
    }
    return objects;
  }
  const objects: { object: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) objects.push({ object: relative(dir, p) });
    }
  };
  walk(dir);
  return objects;
}

/**
 * The function a row names: by section and name; PREVAIL names a section's only program after
 * the section when it has no function symbol, so a name that matches nothing takes the
 * section's first function.
 */
function findFunction(obj: ObjectFile, row: Row): ProgramSpec | string {
  const inSection = obj.functions.filter((f) => f.section === row.section);
  return (
    inSection.find((f) => f.name === row.function) ??
    inSection.find((f) => f.sectionOffset === 0) ??
    row.function
  );
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

/** The kernel's verdict on a prepared program; undefined when the kernel cannot load it. */
function kernelVerdict(oracle: string, { code, type, maps, forKernel }: Prepared): KernelVerdict | undefined {
  const numbers = kernelTypeNumbers(type);
  if (!numbers || !forKernel || !(code instanceof Uint8Array)) return undefined;
  // max_entries 0: the loader sizes the map at run time (one per CPU for perf_event_array,
  // libbpf; Falco's per-CPU arrays): 64 here.
  const def = (m: MapSpec) => `${m.type} ${m.keySize} ${m.valueSize} ${m.maxEntries || 64} ${m.flags}`;
  const templates = maps.flatMap((m) => (m.inner ? [`template ${def(m.inner)}\n`] : []));
  let template = 0;
  // Global data as libbpf loads it: the value written, .rodata and .kconfig frozen (the
  // kernel then reads their constants, as tbpf does).
  const data = (m: MapSpec) => {
    if (!m.initialData) return '';
    const value = new Uint8Array(m.valueSize);
    value.set(m.initialData.subarray(0, m.valueSize));
    return `init ${hex(value)}\n${m.readOnly ? 'freeze\n' : ''}`;
  };
  const mapLines = maps.map((m) => `map ${def(m)}${m.inner ? ` ${-++template}` : ''}\n${data(m)}`);
  mapLines.unshift(...templates);
  const attach = numbers.attachType === undefined ? '' : `attach ${numbers.attachType}\n`;
  const flags = type.sleepable ? 'flags 16\n' : '';
  const input = `type ${numbers.progType}\n${attach}${flags}${mapLines.join('')}prog ${hex(code)}\n`;
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

/** The largest resident set of this process so far, in MB (the whole process: Node, code, heap, buffers). */
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** A program ready for tbpf and the kernel: its row of the report, its code, type and maps. */
interface Prepared {
  out: CorpusProgram;
  /** Encoded (8 bytes an instruction, not an object each); the instructions when they cannot be encoded. */
  code: Uint8Array | LinkedProgram['insns'];
  type: ProgramType;
  maps: MapSpec[];
  /**
   * Calls of tbpf's own helpers (the memset/memcpy builtins) are not Linux's: the kernel cannot
   * load those instructions, so it does not judge them.
   */
  forKernel: boolean;
}

const insnsOf = (p: Prepared) => (p.code instanceof Uint8Array ? decode(p.code) : p.code);
const vopts = (p: Prepared): VerifyOptions => ({ type: p.type, maps: p.maps });

export function runVerifierCorpus(opts: VerifierCorpusOptions): VerifierCorpusReport {
  const objects = listObjects(opts.dir).filter((o) => !opts.filter || o.object.includes(opts.filter));
  const programs: CorpusProgram[] = [];
  // One object at a time: its programs are linked and the object is dropped, then the kernel
  // and tbpf judge them (a parsed object is several MB, Falco's 15: kept alive during the
  // kernel's verdicts, it raised the heap V8 grows to for the rest of the run). Only encoded
  // programs are kept for the timed passes: the run's peak memory is then the verifier's, not
  // the corpus's.
  const timed: Prepared[] = [];
  objects.forEach(({ object, rows }, k) => {
    opts.progress?.(k, objects.length, object);
    for (const p of prepareObject(opts.dir, object, rows)) {
      programs.push('out' in p ? p.out : p);
      if ('out' in p) {
        if (opts.oracle) p.out.kernel = kernelVerdict(opts.oracle, p);
        firstVerdict(p);
        timed.push(p);
      }
    }
  });
  const peakRssMbByPhase = { verdicts: maxRssMb(), timed: Number.NaN };
  // Timed passes over the whole corpus, CPU time (user + system): other load on a shared
  // machine does not count. Per program and per pass: the medians are reported.
  const times = timed.map((): number[] => []);
  const passes: number[] = [];
  for (let k = 0; k < opts.repeats; k++) {
    let pass = 0;
    timed.forEach((t, i) => {
      const insns = insnsOf(t);
      const t0 = process.cpuUsage();
      const r = verify(insns, vopts(t));
      const d = process.cpuUsage(t0);
      if (r.stats.processed !== t.out.tbpf?.processed)
        throw new Error(
          `${t.out.object} ${t.out.section}/${t.out.function}: timed run differs from the first`,
        );
      const ms = (d.user + d.system) / 1000;
      times[i].push(ms);
      pass += ms;
    });
    passes.push(pass);
  }
  peakRssMbByPhase.timed = maxRssMb();
  timed.forEach((t, i) => {
    if (t.out.tbpf && times[i].length) t.out.tbpf.ms = median(times[i]);
  });
  return {
    dir: opts.dir,
    repeats: opts.repeats,
    passMs: passes.length ? median(passes) : Number.NaN,
    loadAverage: loadavg(),
    programs,
    peakRssMb: maxRssMb(),
    peakRssMbByPhase,
  };
}

/**
 * The programs of one object (its rows, else every program it has), each linked and typed; a
 * program that cannot be verified (object or link error) is only its report row, with
 * `loadError`.
 */
function prepareObject(dir: string, object: string, rows: Row[] | undefined): (Prepared | CorpusProgram)[] {
  let obj: ObjectFile | Error;
  try {
    // A copy as a plain Uint8Array: a Node Buffer's `slice` makes a view, not a copy, so a
    // global-data map's initial data (kept for the timed passes) would pin the whole file.
    obj = readObject(new Uint8Array(readFileSync(join(dir, object))));
  } catch (e) {
    obj = e instanceof Error ? e : new Error(String(e));
  }
  const listed =
    rows ??
    (obj instanceof Error
      ? [{ object, section: '', function: '' }]
      : obj.programs.map((p) => ({ object, section: p.section, function: p.name })));
  return listed.map((row) => {
    const out: CorpusProgram = { ...row, type: sectionType(row.section)?.name ?? '' };
    if (obj instanceof Error) return { ...out, loadError: obj.message };
    let linked: LinkedProgram;
    try {
      linked = linkProgram(obj, findFunction(obj, row));
    } catch (e) {
      return { ...out, loadError: e instanceof Error ? e.message : String(e) };
    }
    const type = typeOf(row.object, row.section, linked);
    out.type = type.name;
    const forKernel = !linked.insns.some((i) => i.kind === 'call' && i.target === 'helper' && i.imm >= 1000);
    let code: Prepared['code'];
    try {
      code = encode(linked.insns);
    } catch {
      code = linked.insns;
    }
    return { out, code, type, maps: linked.maps, forKernel };
  });
}

/** tbpf's verdict on a prepared program; this pass over the corpus is also the JIT's warm-up. */
function firstVerdict(p: Prepared): void {
  const result = verify(insnsOf(p), vopts(p));
  p.out.tbpf = {
    accepted: result.accepted,
    ...(result.error ? { error: result.error.reason } : {}),
    processed: result.stats.processed,
    states: result.stats.totalStates,
    ms: Number.NaN,
    zeroedBytes: (result.zeroedStacks ?? []).reduce((n, z) => n + z.bytes, 0),
  };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)} %` : 'n/a');

/** tbpf's verdict, a load error counting as a rejection (the program cannot be run). */
const tbpfAccepts = (p: CorpusProgram): boolean => p.tbpf?.accepted ?? false;
const tbpfReason = (p: CorpusProgram): string => p.loadError ?? p.tbpf?.error ?? '';

/**
 * The confusion of tbpf's verdicts with PREVAIL's expectations and the kernel's, and the
 * properties issue 14 asks of them: as many accepted as PREVAIL passes, every reject_load refused,
 * nothing accepted that PREVAIL (reject) and the kernel both reject, agreement with the kernel.
 */
function acceptanceLines(ps: CorpusProgram[]): string[] {
  const lines: string[] = [''];
  const kernelCell = (p: CorpusProgram) => (p.kernel ? (p.kernel.accepted ? 'k+' : 'k-') : 'k?');
  const statuses = [...new Set(ps.map((p) => p.expected ?? '(none)'))].sort();
  lines.push(
    'confusion: PREVAIL status × tbpf (+ accepts, - rejects or cannot load) × kernel (k+ accepts, k- rejects, k? not loaded)',
  );
  lines.push(
    `${'status'.padEnd(18)}${['+ k+', '+ k-', '+ k?', '- k+', '- k-', '- k?'].map((h) => h.padStart(7)).join('')}`,
  );
  for (const st of statuses) {
    const row = ps.filter((p) => (p.expected ?? '(none)') === st);
    const cell = (acc: boolean, k: string) =>
      row.filter((p) => tbpfAccepts(p) === acc && kernelCell(p) === k).length;
    const cells = [
      cell(true, 'k+'),
      cell(true, 'k-'),
      cell(true, 'k?'),
      cell(false, 'k+'),
      cell(false, 'k-'),
      cell(false, 'k?'),
    ];
    lines.push(`${st.padEnd(18)}${cells.map((c) => String(c).padStart(7)).join('')}`);
  }
  const accepted = ps.filter(tbpfAccepts).length;
  const prevailPass = ps.filter((p) => p.expected === 'pass').length;
  lines.push(`tbpf accepts ${accepted}; PREVAIL passes ${prevailPass}`);
  const loadBad = ps.filter((p) => p.expected?.startsWith('reject_load'));
  const loadAccepted = loadBad.filter(tbpfAccepts);
  lines.push(`reject_load: ${loadBad.length - loadAccepted.length} of ${loadBad.length} refused`);
  for (const p of loadAccepted) lines.push(`  ACCEPTED ${p.object} ${p.section}/${p.function}`);
  const unsafe = ps.filter(
    (p) => p.expected === 'reject' && p.kernel && !p.kernel.accepted && tbpfAccepts(p),
  );
  lines.push(`accepted although PREVAIL (reject) and the kernel reject: ${unsafe.length}`);
  for (const p of unsafe) lines.push(`  ${p.object} ${p.section}/${p.function}: kernel: ${p.kernel?.error}`);
  const both = ps.filter((p) => p.kernel);
  const differ = both.filter((p) => tbpfAccepts(p) !== p.kernel!.accepted);
  lines.push(
    `kernel agreement: ${both.length - differ.length} of ${both.length} programs the kernel loaded or refused (${pct(both.length - differ.length, both.length)})`,
  );
  for (const p of differ) {
    const why = tbpfAccepts(p)
      ? `tbpf accepts; kernel: ${p.kernel?.error}`
      : `tbpf: ${tbpfReason(p)}; kernel accepts`;
    lines.push(`  ${p.object} ${p.section}/${p.function} [${p.type}]: ${why}`);
  }
  return lines;
}

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

  lines.push(...acceptanceLines(ps));
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
    const accepted = judged.filter((p) => p.tbpf!.accepted);
    const zeroed = accepted.filter((p) => p.tbpf!.zeroedBytes > 0);
    lines.push(
      '',
      `reading stack they did not write (zeroed on entry): ${zeroed.length} of ${accepted.length} accepted programs, ${fmtInt(zeroed.reduce((n, p) => n + p.tbpf!.zeroedBytes, 0))} bytes in all`,
    );
    const processed = judged.reduce((s, p) => s + p.tbpf!.processed, 0);
    const ms = r.passMs;
    const rates = judged.filter((p) => p.tbpf!.ms > 0).map((p) => p.tbpf!.processed / p.tbpf!.ms);
    const slowest = judged.reduce((a, b) => (b.tbpf!.ms > a.tbpf!.ms ? b : a));
    lines.push(
      '',
      `speed: ${fmtInt(processed)} processed in ${ms.toFixed(0)} ms (one pass over the corpus) = ${fmtInt((processed / ms) * 1000)} insns/s; per program median ${fmtInt(median(rates) * 1000)} insns/s`,
      `slowest: ${slowest.object} ${slowest.section}/${slowest.function} ${slowest.tbpf!.ms.toFixed(0)} ms (${fmtInt(slowest.tbpf!.processed)} processed)`,
    );
  }
  lines.push(
    `peak RSS ${r.peakRssMb.toFixed(0)} MB (whole process; ${r.peakRssMbByPhase.verdicts.toFixed(0)} MB by the end of the verdict pass); CPU time, medians of ${r.repeats} timed pass(es) after an untimed one; load average ${r.loadAverage.map((x) => x.toFixed(2)).join(' ')}`,
  );
  return `${lines.join('\n')}\n`;
}
