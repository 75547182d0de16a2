/**
 * The first program of a fresh process: `node first-program.js VARIANT FILE`, built next to
 * main.js. Before measuring, the process imports @tbpf/isa, @tbpf/vm and the measured engine's
 * package — nothing else of the bench, whose start-up garbage and background compilation would
 * land in the measurement — and reads FILE, the program's instruction bytes. The imports are
 * timed too (`importMs`) but not counted: ubpf's harness does not count loading its library.
 *
 * Measured, in CPU time of the whole process (V8's background compiler and GC threads count),
 * what a host does with its first program, as ubpf's harness measures ubpf_create + ubpf_load +
 * ubpf_compile from bytes: create a runtime and load the bytes (vm's loadBytes), prepare
 * (`value`, ms, and these two parts); then the first run, on a zeroed 64-byte context (`runMs`:
 * V8 compiles a WebAssembly function on its first call). Prints one JSON line, FirstProgramResult.
 */
import { readFileSync } from 'node:fs';
import type { Engine, EngineName, LoadedProgram, PreparedProgram, Runtime } from '@tbpf/vm';
import { cpuMs, cpuMsSince } from './stats.js';
import { variant } from './variants.js';

export interface FirstProgramResult {
  /** loadMs + prepareMs. */
  value: number;
  /** Importing @tbpf/vm (with @tbpf/isa) and the engine's package: before the measurement, not in `value`. */
  importMs: number;
  /** A runtime created and the bytes loaded (vm's loadBytes). */
  loadMs: number;
  prepareMs: number;
  runMs: number;
}

/** The engine's package, imported only now. */
async function importEngine(name: EngineName, interpreter: Engine): Promise<Engine> {
  if (name === 'wasm') return (await import('@tbpf/jit-wasm')).wasmEngine;
  if (name === 'jit') return (await import('@tbpf/jit-x64')).x64Engine;
  return interpreter;
}

const [id = '', file = ''] = process.argv.slice(2);
const v = variant(id);
const t0 = process.cpuUsage();
const { interpreter, loadBytes, Runtime: RuntimeClass } = await import('@tbpf/vm');
const engine = await importEngine(v.engine, interpreter);
const importMs = cpuMsSince(t0);
const bytes = readFileSync(file);
let runtime: Runtime | undefined;
let loaded: LoadedProgram | undefined;
let prepared: PreparedProgram | undefined;
const loadMs = cpuMs(() => {
  runtime = new RuntimeClass();
  loaded = loadBytes(runtime, bytes);
});
const prepareMs = cpuMs(() => {
  prepared = engine.prepare(loaded as LoadedProgram, v.options);
});
const p = prepared as PreparedProgram;
const ctx = (runtime as Runtime).allocData(new Uint8Array(64), 'context').start;
const runMs = cpuMs(() => p.runFast(ctx, 64));
p.dispose();
const result: FirstProgramResult = { value: loadMs + prepareMs, importMs, loadMs, prepareMs, runMs };
process.stdout.write(`${JSON.stringify(result)}\n`);
