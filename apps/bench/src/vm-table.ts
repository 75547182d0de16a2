/**
 * The benchmark programs (third_party/bench) on every engine: ns per executed instruction for
 * the loops, ns per call from JavaScript for the filters (contexts "eth5" and "eth6"
 * alternating, as the bench README asks), the time to prepare a 4,096-instruction program warm
 * and as the first program of a fresh process.
 *
 * Each figure is measured in a child process of its own (./vm-child.ts) — one engine, one
 * program, one call site — so that no figure depends on what else ran in the process (V8
 * optimises a call site for the engines it has seen there). The children run in rounds, in a
 * rotating order, and the table gives the median over rounds (each round's figure is itself
 * a median of `repeats` samples). The same rounds run ubpf's harness when TBPF_UBPF points to
 * a built ubpf (./ubpf-reference.ts); where the x86-64 JIT's addon is built its C-loop figures
 * are added, and where gcc is installed a gcc -O2 native filter is the physical-limit reference.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assemble } from '@tbpf/asm';
import { encode, type Insn } from '@tbpf/isa';
import { largeProgram, runX64Bench, type X64BenchReport, x64Engine } from '@tbpf/jit-x64';
import type { EngineName } from '@tbpf/vm';
import type { FirstProgramResult } from './first-program.js';
import { median } from './stats.js';
import { buildUbpfHarness, runUbpfHarness, type UbpfHarness, ubpfProgramFile } from './ubpf-reference.js';
import { VARIANTS, type VariantId } from './variants.js';
import { type ChildResult, EXECUTED, PROGRAMS, type ProgramName, type VmTask } from './vm-child.js';

export { PROGRAMS, type ProgramName };

export interface VmTableOptions {
  progsDir: string;
  /** Rounds of child processes (the figure is the median over rounds). */
  rounds: number;
  /** Samples per child (the child reports their median). */
  repeats: number;
  /** Calls per sample for the per-call programs. */
  calls: number;
  /** This app's script, which runs `vm-child` (default: the running script). */
  script?: string;
  /** Environment for ubpf (TBPF_UBPF); default process.env. */
  env?: NodeJS.ProcessEnv;
  progress?: (done: number, total: number, label: string) => void;
}

/** Median over rounds, and the lowest and highest round. */
export interface Figure {
  median: number;
  min: number;
  max: number;
}

export interface VariantFigures {
  id: VariantId;
  label: string;
  engine: EngineName;
  available: boolean;
  reason?: string;
  /** ns per executed instruction (loop, mem) or ns per call from JavaScript (the others). */
  figures: Partial<Record<ProgramName, Figure>>;
  /** Milliseconds (CPU) to load and prepare a 4,096-instruction program, warm. */
  compile4096Ms?: Figure;
  /**
   * The first thing a fresh process does (./first-program.ts): decode the 4,096 instructions'
   * bytes, create a runtime, load, prepare; and the first run after it.
   */
  firstProgramMs?: Figure;
  /** Its parts: runtime + loadBytes, the engine's prepare. */
  firstProgramParts?: { loadMs: Figure; prepareMs: Figure };
  /** Importing @tbpf/vm and the engine before the first program (not counted in it). */
  firstImportMs?: Figure;
  firstRunMs?: Figure;
}

export interface UbpfFigures {
  dir: string;
  commit?: string;
  /** ns per executed instruction / per call from C: JIT, JIT with constant blinding, interpreter (bounds checks on, its default). */
  jit: Partial<Record<ProgramName, Figure>>;
  jitBlinded: Partial<Record<ProgramName, Figure>>;
  interp: Partial<Record<ProgramName, Figure>>;
  /** ubpf_create + ubpf_load + ubpf_compile of the same 4,096 instructions: warm, and first in a fresh process. */
  compile4096Ms: Figure;
  firstProgramMs: Figure;
}

export interface VmTableReport {
  rounds: number;
  repeats: number;
  calls: number;
  loadAverage: { start: number[]; end: number[] };
  variants: VariantFigures[];
  /** ubpf measured in the same rounds, or why not. */
  ubpf?: UbpfFigures;
  ubpfMissing?: string;
  /** The x86-64 JIT's own report: C-loop (native) figures and the JS crossing. */
  x64Native?: X64BenchReport;
  /** A gcc -O2 C function doing filter.asm's test, ns per call from a C loop. */
  gccFilterNsPerCall?: number;
}

function load(progsDir: string, name: ProgramName): Insn[] {
  return assemble(readFileSync(join(progsDir, `${name}.asm`), 'utf8'), { fileName: `${name}.asm` }).insns;
}

export function figure(values: readonly number[]): Figure {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** One child process (`node ARGS`), which prints one JSON result line. */
function runNode<T>(args: readonly string[]): T {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

/** `script vm-child TASK`. */
function runChild(script: string, task: VmTask): ChildResult {
  return runNode<ChildResult>([script, 'vm-child', JSON.stringify(task)]);
}

/** The first program of a fresh process: first-program.js (built next to `script`) on the program in `file`. */
function runFirstProgram(script: string, variant: VariantId, file: string): FirstProgramResult {
  return runNode([join(dirname(script), 'first-program.js'), variant, file]);
}

/** filter.asm's test as a C function, compiled by gcc -O2, timed in a C loop. */
function gccFilterReference(calls: number): number | undefined {
  if (spawnSync('gcc', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tbpf-gcc-'));
  try {
    writeFileSync(
      join(dir, 'f.c'),
      `#include <stdio.h>
#include <string.h>
#include <time.h>
__attribute__((noinline)) static unsigned long filter(const unsigned char *ctx) {
  return memcmp(ctx + 16, "eth5", 5) == 0;
}
int main(void) {
  unsigned char a[24] = {0}, b[24] = {0};
  memcpy(a + 16, "eth5", 5); memcpy(b + 16, "eth6", 5);
  volatile unsigned long sink = 0;
  const unsigned char *volatile pa = a, *volatile pb = b;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (long i = 0; i < ${calls}L; i += 2) { sink += filter(pa); sink += filter(pb); }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  printf("%f\\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / ${calls}.0);
  return sink == ${calls / 2}UL ? 0 : 1;
}
`,
    );
    execFileSync('gcc', ['-O2', '-o', join(dir, 'f'), join(dir, 'f.c')]);
    const runs = [0, 1, 2, 3, 4].map(() => Number(execFileSync(join(dir, 'f'), { encoding: 'utf8' })));
    return median(runs);
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Job =
  | { kind: 'tbpf'; task: VmTask; label: string }
  | { kind: 'first'; variant: VariantId; label: string }
  | { kind: 'ubpf'; args: string[]; program?: ProgramName; label: string };

export function runVmTable(opts: VmTableOptions): VmTableReport {
  const loadStart = loadavg();
  const script = opts.script ?? process.argv[1];
  const { harness, reason: ubpfMissing } = buildUbpfHarness(opts.env ?? process.env);
  const variants: VariantFigures[] = VARIANTS.map((v) => {
    const ok = v.engine === 'jit' ? x64Engine.available() : { ok: true as const };
    return {
      id: v.id,
      label: v.label,
      engine: v.engine,
      available: ok.ok,
      ...(ok.ok ? {} : { reason: ok.reason }),
      figures: {},
    };
  });
  // The first-program children read the 4,096 instructions as bytes, as ubpf's harness does.
  const work = mkdtempSync(join(tmpdir(), 'tbpf-vm-'));
  const largeFile = join(work, 'large4096.bin');
  writeFileSync(largeFile, encode(largeProgram(4096)));
  const jobs: Job[] = [];
  for (const v of variants.filter((x) => x.available)) {
    for (const program of PROGRAMS) {
      jobs.push({
        kind: 'tbpf',
        task: {
          kind: 'program',
          variant: v.id,
          program,
          progsDir: opts.progsDir,
          repeats: opts.repeats,
          calls: opts.calls,
        },
        label: `${v.id} ${program}`,
      });
    }
    if (v.engine !== 'interp') {
      jobs.push({
        kind: 'tbpf',
        task: { kind: 'compile', variant: v.id, repeats: opts.repeats * 4 },
        label: `${v.id} compile`,
      });
      jobs.push({ kind: 'first', variant: v.id, label: `${v.id} first program` });
    }
  }
  if (harness) {
    for (const program of PROGRAMS) {
      const file = ubpfProgramFile(harness, program, load(opts.progsDir, program));
      const executed = EXECUTED[program];
      const args = executed
        ? ['insn', file, String(opts.repeats), String(executed)]
        : ['call', file, String(opts.repeats), String(opts.calls)];
      jobs.push({ kind: 'ubpf', args, program, label: `ubpf ${program}` });
    }
    const large = ubpfProgramFile(harness, 'large4096', largeProgram(4096));
    jobs.push({ kind: 'ubpf', args: ['compile', large, String(opts.repeats * 4)], label: 'ubpf compile' });
  }

  const samples = new Map<string, number[]>();
  const add = (key: string, v: number) => {
    const list = samples.get(key) ?? [];
    list.push(v);
    samples.set(key, list);
  };
  // Every engine must compute the same r0 (sums of two runs) for each program.
  const results = new Map<ProgramName, { variant: string; r0: number }>();
  const total = jobs.length * opts.rounds + 2;
  let done = 0;
  for (let round = 0; round < opts.rounds; round++) {
    // A rotating order, so that no job always runs right after the same neighbour.
    const shift = Math.floor((round * jobs.length) / opts.rounds);
    for (const job of [...jobs.slice(shift), ...jobs.slice(0, shift)]) {
      if (job.kind === 'first') {
        const r = runFirstProgram(script, job.variant, largeFile);
        add(`${job.variant} first`, r.value);
        add(`${job.variant} first load`, r.loadMs);
        add(`${job.variant} first prepare`, r.prepareMs);
        add(`${job.variant} first run`, r.runMs);
        add(`${job.variant} first import`, r.importMs);
      } else if (job.kind === 'tbpf') {
        const r = runChild(script, job.task);
        const t = job.task;
        add(`${t.variant} ${t.kind === 'program' ? t.program : t.kind}`, r.value);
        if (t.kind === 'program' && EXECUTED[t.program] !== undefined) {
          const seen = results.get(t.program) ?? { variant: t.variant, r0: r.r0 as number };
          if (seen.r0 !== r.r0)
            throw new Error(`${t.program}: ${t.variant} returned ${r.r0}, ${seen.variant} ${seen.r0}`);
          results.set(t.program, seen);
        }
      } else {
        const out = runUbpfHarness(harness as UbpfHarness, job.args);
        if (job.program && EXECUTED[job.program] === undefined && job.program.startsWith('filter')) {
          const expected = (opts.calls / 2) * (opts.repeats + 1);
          if (out.kept !== expected) throw new Error(`ubpf ${job.program} kept ${out.kept}, not ${expected}`);
        }
        for (const [k, v] of Object.entries(out)) {
          if (!k.startsWith('kept')) add(`ubpf ${k} ${job.program ?? ''}`.trim(), v);
        }
      }
      opts.progress?.(++done, total, job.label);
    }
  }
  const fig = (key: string) => {
    const list = samples.get(key);
    return list ? figure(list) : undefined;
  };
  for (const v of variants.filter((x) => x.available)) {
    for (const program of PROGRAMS) {
      const f = fig(`${v.id} ${program}`);
      if (f) v.figures[program] = f;
    }
    const compile = fig(`${v.id} compile`);
    const first = fig(`${v.id} first`);
    const firstRun = fig(`${v.id} first run`);
    if (compile) v.compile4096Ms = compile;
    if (first) v.firstProgramMs = first;
    if (firstRun) v.firstRunMs = firstRun;
    const firstImport = fig(`${v.id} first import`);
    if (firstImport) v.firstImportMs = firstImport;
    const [loadMs, prepareMs] = ['load', 'prepare'].map((p) => fig(`${v.id} first ${p}`));
    if (loadMs && prepareMs) v.firstProgramParts = { loadMs, prepareMs };
  }
  const report: VmTableReport = {
    rounds: opts.rounds,
    repeats: opts.repeats,
    calls: opts.calls,
    loadAverage: { start: loadStart, end: [] },
    variants,
  };
  if (harness) {
    const per = (name: string) =>
      Object.fromEntries(
        PROGRAMS.flatMap((p) => {
          const f = fig(`ubpf ${name} ${p}`);
          return f ? [[p, f]] : [];
        }),
      ) as Partial<Record<ProgramName, Figure>>;
    report.ubpf = {
      dir: harness.dir,
      ...(harness.commit ? { commit: harness.commit } : {}),
      jit: per('jit'),
      jitBlinded: per('jit-blinded'),
      interp: per('interp'),
      compile4096Ms: fig('ubpf compile') as Figure,
      firstProgramMs: fig('ubpf first') as Figure,
    };
    rmSync(harness.work, { recursive: true, force: true });
  } else {
    report.ubpfMissing = ubpfMissing;
  }
  if (x64Engine.available().ok) {
    report.x64Native = runX64Bench({ progsDir: opts.progsDir, repeats: opts.repeats, calls: opts.calls });
  }
  opts.progress?.(++done, total, 'x86-64 native loop');
  const gcc = gccFilterReference(Math.max(opts.calls, 1_000_000));
  if (gcc !== undefined) report.gccFilterNsPerCall = gcc;
  opts.progress?.(++done, total, 'gcc -O2');
  rmSync(work, { recursive: true, force: true });
  report.loadAverage.end = loadavg();
  return report;
}
