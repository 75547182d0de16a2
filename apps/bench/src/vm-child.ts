/**
 * One measurement of the engine table, made in a child process of its own (`tbpf-bench
 * vm-child TASK`): one engine and one program per process, so that V8 sees a single engine at
 * the call site, as a host with one filter does. Prints one JSON line, `ChildResult`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '@tbpf/asm';
import { encode } from '@tbpf/isa';
import { wasmEngine } from '@tbpf/jit-wasm';
import { largeProgram, x64Engine } from '@tbpf/jit-x64';
import {
  type Engine,
  type EngineName,
  interpreter,
  loadBytes,
  loadInsns,
  type PreparedProgram,
  type PrepareOptions,
  Runtime,
} from '@tbpf/vm';
import { cpuMs, median } from './stats.js';
import { type VariantId, variant } from './variants.js';

export const PROGRAMS = ['empty', 'filter', 'filter_branchy', 'loop', 'mem'] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** Executed instructions per run (third_party/bench/README.md). */
export const EXECUTED: Partial<Record<ProgramName, number>> = { loop: 10_000_004, mem: 10_000_011 };

const ENGINES: Record<EngineName, Engine> = { interp: interpreter, jit: x64Engine, wasm: wasmEngine };

export type VmTask =
  | {
      kind: 'program';
      variant: VariantId;
      program: ProgramName;
      progsDir: string;
      repeats: number;
      calls: number;
    }
  | { kind: 'compile'; variant: VariantId; repeats: number };

export interface ChildResult {
  /** ns per executed instruction, ns per call, or ms. */
  value: number;
  /** r0 of the last run (program tasks): the parent checks that engines agree. */
  r0?: number;
}

/** Input memory per program: 64 bytes for mem, a 24-byte context with the name at +16 for the filters. */
function contexts(runtime: Runtime, name: ProgramName): { offset: number; size: number }[] {
  if (name === 'empty' || name === 'loop') return [{ offset: 0, size: 0 }];
  const make = (fill: (b: Uint8Array) => void, size: number) => {
    const b = new Uint8Array(size);
    fill(b);
    const r = runtime.allocData(b, 'ctx');
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

/**
 * `calls` runs, contexts a and b alternating; the number of runs that kept the event. Its state
 * is in locals: a loop over variables captured from outer closures pays a context load or store
 * per call, which no host's call site pays.
 */
function callLoop(
  p: PreparedProgram,
  calls: number,
  a: number,
  aSize: number,
  b: number,
  bSize: number,
): number {
  let kept = 0;
  for (let i = 0; i < calls; i += 2) {
    kept += p.runFast(a, aSize);
    kept += p.runFast(b, bSize);
  }
  return kept;
}

/** ns per call (two contexts alternating) or per executed instruction; the filters must keep every eth5. */
function measureProgram(
  p: PreparedProgram,
  runtime: Runtime,
  task: VmTask & { kind: 'program' },
): ChildResult {
  const ctxs = contexts(runtime, task.program);
  const executed = EXECUTED[task.program];
  const calls = executed ? 2 : task.calls;
  const [a, b] = [ctxs[0], ctxs[ctxs.length - 1]];
  let r0 = 0;
  const sample = () => {
    let kept = 0;
    const ms = cpuMs(() => {
      kept = callLoop(p, calls, a.offset, a.size, b.offset, b.size);
    });
    r0 = kept;
    if (task.program.startsWith('filter') && kept !== calls / 2)
      throw new Error(`${task.program} kept ${kept} of ${calls} calls, not every eth5`);
    return (ms * 1e6) / (executed ? 2 * executed : calls);
  };
  sample(); // warm-up: V8 optimises the loop and, for wasm, tiers the module up
  const samples = Array.from({ length: task.repeats }, sample);
  return { value: median(samples), r0 };
}

/**
 * ms to load and prepare a 4,096-instruction program, warm, from its bytes (as ubpf's figure
 * loads its bytes): the median of `repeats` rounds after WARM_UP unmeasured ones, enough for V8
 * to have optimised the code generator (its background compilation would count as CPU time
 * otherwise). Every round compiles a program of its own (a different first immediate): V8
 * caches compiled WebAssembly by its bytes, and a host compiles programs it has not compiled
 * before.
 */
function measureCompile(engine: Engine, options: PrepareOptions, repeats: number): number {
  // A different program each round (V8 caches WebAssembly modules by their bytes): the first
  // instruction's immediate is the round number. The variant is made by patching a copy of the
  // encoded bytes, not by encoding the program again: that left about 1 MB of garbage per round,
  // collected inside the timed window of a later round (ubpf's harness makes none).
  const base = encode(largeProgram(4096));
  const runtime = new Runtime();
  let round = 0;
  const once = () => {
    const bytes = base.slice();
    new DataView(bytes.buffer).setInt32(4, round++, true);
    let p: PreparedProgram | undefined;
    const ms = cpuMs(() => {
      p = engine.prepare(loadBytes(runtime, bytes), options);
    });
    p?.dispose();
    return ms;
  };
  for (let i = 0; i < WARM_UP; i++) once();
  return median(Array.from({ length: repeats }, once));
}

const WARM_UP = 200;

export function vmChild(task: VmTask): ChildResult {
  const v = variant(task.variant);
  const engine = ENGINES[v.engine];
  if (task.kind === 'compile') return { value: measureCompile(engine, v.options, task.repeats) };
  const insns = assemble(readFileSync(join(task.progsDir, `${task.program}.asm`), 'utf8'), {
    fileName: `${task.program}.asm`,
  }).insns;
  const runtime = new Runtime();
  const p = engine.prepare(loadInsns(runtime, insns), v.options);
  try {
    return measureProgram(p, runtime, task);
  } finally {
    p.dispose();
  }
}
