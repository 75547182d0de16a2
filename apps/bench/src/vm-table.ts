/**
 * The benchmark programs (third_party/bench) on every engine, measured the same way
 * through the engine contract: ns per executed instruction for the loops, ns per call for the
 * filters (contexts "eth5" and "eth6" alternating, as the bench README asks), and compile time.
 * Where the x86-64 JIT's addon is built, its own report adds the native C-loop figures; where
 * gcc is installed, a gcc -O2 native filter is the physical-limit reference.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { wasmEngine } from '@tbpf/jit-wasm';
import { largeProgram, runX64Bench, type X64BenchReport, x64Engine } from '@tbpf/jit-x64';
import { type Engine, type EngineName, interpreter, loadInsns, Runtime } from '@tbpf/vm';
import { cpuMs, median } from './stats.js';

export const PROGRAMS = ['empty', 'filter', 'filter_branchy', 'loop', 'mem'] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** Executed instructions per run (third_party/bench/README.md). */
const EXECUTED: Partial<Record<ProgramName, number>> = { loop: 10_000_004, mem: 10_000_011 };

export interface VmTableOptions {
  progsDir: string;
  repeats: number;
  /** Calls per repeat for the per-call programs. */
  calls: number;
  progress?: (label: string) => void;
}

export interface EngineFigures {
  engine: EngineName;
  available: boolean;
  reason?: string;
  /** ns per executed instruction (loop, mem) or ns per call (the others), medians. */
  figures: Partial<Record<ProgramName, number>>;
  /** Milliseconds to prepare (compile) a 4,096-instruction program. */
  compile4096Ms?: number;
}

export interface VmTableReport {
  engines: EngineFigures[];
  /** The x86-64 JIT's own report: C-loop (native) figures and the JS crossing. */
  x64Native?: X64BenchReport;
  /** A gcc -O2 C function doing filter.asm's test, ns per call from a C loop. */
  gccFilterNsPerCall?: number;
}

const ENGINES: readonly Engine[] = [interpreter, x64Engine, wasmEngine];

function load(progsDir: string, name: ProgramName): Insn[] {
  return assemble(readFileSync(join(progsDir, `${name}.asm`), 'utf8'), { fileName: `${name}.asm` }).insns;
}

/** Input memory per program: 64 bytes for mem, a 24-byte context with the name at +16 for the filters. */
function contexts(runtime: Runtime, name: ProgramName): { offset: number; size: number }[] {
  if (name === 'empty' || name === 'loop') return [{ offset: 0, size: 0 }];
  const make = (fill: (b: Uint8Array) => void, size: number) => {
    const r = runtime.memory.alloc(size, { name: 'ctx', kind: 'context', writable: true });
    const b = new Uint8Array(size);
    fill(b);
    runtime.memory.write(r.start, b);
    return { offset: r.start, size };
  };
  if (name === 'mem') {
    return [
      make((b) => {
        for (let i = 0; i < b.length; i++) b[i] = i * 7;
      }, 64),
    ];
  }
  const ctx = (dev: string) => make((b) => b.set(new TextEncoder().encode(`${dev}\0`), 16), 24);
  return [ctx('eth5'), ctx('eth6')];
}

function measure(engine: Engine, insns: Insn[], name: ProgramName, opts: VmTableOptions): number {
  const runtime = new Runtime();
  const prepared = engine.prepare(loadInsns(runtime, insns), { boundsCheck: false });
  try {
    const ctxs = contexts(runtime, name);
    const executed = EXECUTED[name];
    const calls = executed ? 1 : opts.calls;
    const samples: number[] = [];
    const [a, b] = [ctxs[0], ctxs[ctxs.length - 1]];
    for (let rep = 0; rep <= opts.repeats; rep++) {
      const ms = cpuMs(() => {
        for (let i = 0; i < calls; i += 2) {
          prepared.runFast(a.offset, a.size);
          prepared.runFast(b.offset, b.size);
        }
      });
      const ns = (ms * 1e6) / (executed ? 2 * executed : calls);
      if (rep > 0) samples.push(ns); // the first round is warm-up
    }
    return median(samples);
  } finally {
    prepared.dispose();
  }
}

function compileTime(engine: Engine, repeats: number): number {
  const insns = largeProgram(4096);
  const samples: number[] = [];
  for (let rep = 0; rep <= repeats; rep++) {
    const runtime = new Runtime();
    const loaded = loadInsns(runtime, insns);
    let p: ReturnType<Engine['prepare']> | undefined;
    const ms = cpuMs(() => {
      p = engine.prepare(loaded, { boundsCheck: false });
    });
    p?.dispose();
    if (rep > 0) samples.push(ms);
  }
  return median(samples);
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
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < ${calls}L; i += 2) { sink += filter(pa); sink += filter(pb); }
  clock_gettime(CLOCK_MONOTONIC, &t1);
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

export function runVmTable(opts: VmTableOptions): VmTableReport {
  const engines: EngineFigures[] = [];
  for (const engine of ENGINES) {
    const ok = engine.available();
    if (!ok.ok) {
      engines.push({ engine: engine.name, available: false, reason: ok.reason, figures: {} });
      continue;
    }
    const figures: Partial<Record<ProgramName, number>> = {};
    for (const name of PROGRAMS) {
      figures[name] = measure(engine, load(opts.progsDir, name), name, opts);
      opts.progress?.(`${engine.name} ${name}`);
    }
    const compile4096Ms = engine.name === 'interp' ? undefined : compileTime(engine, opts.repeats);
    engines.push({
      engine: engine.name,
      available: true,
      figures,
      ...(compile4096Ms ? { compile4096Ms } : {}),
    });
  }
  const report: VmTableReport = { engines };
  if (x64Engine.available().ok) {
    report.x64Native = runX64Bench({ progsDir: opts.progsDir, repeats: opts.repeats, calls: opts.calls });
    opts.progress?.('x86-64 native loop');
  }
  const gcc = gccFilterReference(Math.max(opts.calls, 1_000_000));
  if (gcc !== undefined) report.gccFilterNsPerCall = gcc;
  return report;
}
