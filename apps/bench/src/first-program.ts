/**
 * The first program of a fresh process: `node first-program.js VARIANT FILE`, built next to
 * main.js. Before measuring, the process imports @tbpf/isa, @tbpf/vm and the measured engine's
 * package — nothing else of the bench, whose start-up garbage and background compilation would
 * land in the measurement — and reads FILE, the program's instruction bytes.
 *
 * Measured, in CPU time of the whole process (V8's background compiler and GC threads count),
 * what a host does with its first program, as ubpf's harness measures ubpf_create + ubpf_load +
 * ubpf_compile from bytes: decode the bytes, create a runtime, load, prepare (`value`, ms); then
 * the first run, on a zeroed 64-byte context (`runMs`: V8 compiles a WebAssembly function on its
 * first call). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import {
  type Engine,
  type EngineName,
  interpreter,
  loadBytes,
  type PreparedProgram,
  Runtime,
} from '@tbpf/vm';
import { cpuMs } from './stats.js';
import { variant } from './variants.js';

/** The engine's package, imported only now. */
async function importEngine(name: EngineName): Promise<Engine> {
  if (name === 'wasm') return (await import('@tbpf/jit-wasm')).wasmEngine;
  if (name === 'jit') return (await import('@tbpf/jit-x64')).x64Engine;
  return interpreter;
}

const [id = '', file = ''] = process.argv.slice(2);
const v = variant(id);
const engine = await importEngine(v.engine);
const bytes = readFileSync(file);
let runtime: Runtime | undefined;
let prepared: PreparedProgram | undefined;
const ms = cpuMs(() => {
  runtime = new Runtime();
  prepared = engine.prepare(loadBytes(runtime, bytes), v.options);
});
const p = prepared as PreparedProgram;
const ctx = (runtime as Runtime).allocData(new Uint8Array(64), 'context').start;
const runMs = cpuMs(() => p.runFast(ctx, 64));
p.dispose();
process.stdout.write(`${JSON.stringify({ value: ms, runMs })}\n`);
