/**
 * Benchmarks for engines that implement vm's Engine contract, in the manner of
 * third_party/bench/README.md: the same program on the same input in one process, engines
 * alternated round by round, medians reported (never single absolute times). No Node.js APIs:
 * apps/bench and a browser page can run these as they are.
 */
import { type Insn, packInsns } from '@tbpf/isa';
import { type Engine, interpreter, loadInsns, type PreparedProgram, Runtime } from '@tbpf/vm';
import { compileProgram } from '../compile/module.js';

export interface Sample {
  engine: string;
  /** Median over rounds. */
  median: number;
  /** Fastest round: the least disturbed by other processes on a busy machine. */
  min: number;
  samples: number[];
}

export interface BenchOptions {
  /** Rounds per engine (default 31 for per-call costs). */
  rounds?: number;
  /** Calls per round for per-call costs (default 50,000). */
  calls?: number;
  /** Prepares each fresh runtime before the program is loaded (e.g. creates its maps). */
  setup?: (runtime: Runtime) => void;
}

const now = (): number => globalThis.performance.now();

function sample(engine: string, samples: number[]): Sample {
  return { engine, median: median(samples), min: Math.min(...samples), samples };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Prepared {
  engine: string;
  prepared: PreparedProgram;
  offsets: number[];
}

/** Prepare `insns` on each available engine, each in its own runtime with the inputs copied in. */
function prepareAll(
  engines: readonly Engine[],
  insns: readonly Insn[],
  inputs: readonly Uint8Array[],
  setup?: (runtime: Runtime) => void,
): Prepared[] {
  return engines
    .filter((e) => e.available().ok)
    .map((engine) => {
      const runtime = new Runtime({ memoryBytes: 1 << 20 });
      setup?.(runtime);
      const offsets = inputs.map((bytes, n) => runtime.allocData(bytes, `input ${n}`).start);
      const prepared = engine.prepare(loadInsns(runtime, insns));
      return { engine: engine.name, prepared, offsets };
    });
}

/** Run `round` for each engine, rotating the order every round; median per engine. */
function alternate(list: Prepared[], rounds: number, round: (p: Prepared) => number): Sample[] {
  const samples = list.map(() => [] as number[]);
  for (let r = 0; r < rounds + 1; r++) {
    for (let k = 0; k < list.length; k++) {
      const at = (k + r) % list.length;
      const value = round(list[at]);
      if (r > 0) samples[at].push(value); // round 0 warms up
    }
  }
  for (const p of list) p.prepared.dispose();
  return list.map((p, k) => sample(p.engine, samples[k]));
}

/**
 * Nanoseconds per `runFast` call from JavaScript, alternating between the given inputs on
 * successive calls (e.g. an "eth5" and an "eth6" context for filter.asm).
 */
export function perCall(
  engines: readonly Engine[],
  insns: readonly Insn[],
  inputs: readonly Uint8Array[],
  options: BenchOptions = {},
): Sample[] {
  const calls = options.calls ?? 50_000;
  const list = prepareAll(engines, insns, inputs.length > 0 ? inputs : [new Uint8Array(8)], options.setup);
  // One loop function per engine: a shared loop's call site would turn megamorphic and charge
  // every engine for the others' shapes.
  const loops = new Map(list.map((p) => [p, callLoop()]));
  let sink = 0;
  const samples = alternate(list, options.rounds ?? 31, (p) => {
    const loop = loops.get(p)!;
    const len = inputs[0]?.length ?? 0;
    const t0 = now();
    sink += loop(p.prepared, p.offsets[0], p.offsets[p.offsets.length - 1], len, calls);
    return ((now() - t0) * 1e6) / calls;
  });
  if (sink === 0.5) throw new Error('unreachable');
  return samples;
}

type CallLoop = (p: PreparedProgram, a: number, b: number, len: number, calls: number) => number;

/** A fresh copy of the measuring loop, with its own type feedback. */
function callLoop(): CallLoop {
  return new Function(
    'p',
    'a',
    'b',
    'len',
    'calls',
    'let s = 0; for (let i = 0; i < calls; i += 2) { s += p.runFast(a, len); s += p.runFast(b, len); } return s;',
  ) as CallLoop;
}

/** Nanoseconds per executed instruction of one `run` (the interpreter counts the instructions). */
export function perInstruction(
  engines: readonly Engine[],
  insns: readonly Insn[],
  input: Uint8Array | undefined,
  options: BenchOptions = {},
): { executed: number; samples: Sample[] } {
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  options.setup?.(runtime);
  const at = input ? runtime.allocData(input, 'input').start : 0;
  const counter = interpreter.prepare(loadInsns(runtime, insns));
  counter.runFast(at, input?.length ?? 0);
  const executed = counter.lastInstructionCount;
  counter.dispose();
  const list = prepareAll(engines, insns, input ? [input] : [new Uint8Array(8)], options.setup);
  const samples = alternate(list, options.rounds ?? 7, ({ prepared, offsets }) => {
    const t0 = now();
    prepared.runFast(offsets[0], input?.length ?? 0);
    return ((now() - t0) * 1e6) / executed;
  });
  return { executed, samples };
}

/**
 * Milliseconds for `engine.prepare` (compile + instantiate) of `insns` plus its first run (V8
 * compiles WebAssembly functions lazily, on first call). Round 0 (cold: the compiler's own
 * JavaScript not yet optimised) is reported separately from the warm median.
 */
export function compileTime(
  engines: readonly Engine[],
  insns: readonly Insn[],
  options: BenchOptions = {},
): (Sample & { cold: number })[] {
  const rounds = options.rounds ?? 15;
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const ctx = runtime.allocData(new Uint8Array(64), 'input').start;
  const program = loadInsns(runtime, insns);
  return engines
    .filter((e) => e.available().ok)
    .map((engine) => {
      const samples: number[] = [];
      let cold = 0;
      for (let r = 0; r < rounds + 1; r++) {
        const t0 = now();
        const prepared = engine.prepare(program);
        prepared.runFast(ctx, 64);
        const dt = now() - t0;
        prepared.dispose();
        if (r > 0) samples.push(dt);
        else cold = dt;
      }
      return { ...sample(engine.name, samples), cold };
    });
}

/** Milliseconds for jit-wasm's code generator alone (BPF → module bytes), warm median. */
export function codegenTime(insns: readonly Insn[], options: BenchOptions = {}): Sample & { bytes: number } {
  const rounds = options.rounds ?? 15;
  const layout = { pages: 16, stackTop: 8192, stackBottom: 4096, frameSize: 512, scratch: 8192 };
  const samples: number[] = [];
  const program = { code: packInsns(insns) }; // the loader's packed form, made once
  let bytes = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const t0 = now();
    bytes = compileProgram(program, { layout }).bytes.length;
    if (r > 0) samples.push(now() - t0);
  }
  return { ...sample('wasm codegen', samples), bytes };
}

/**
 * A `size`-instruction program of the shape compilers emit: blocks of context loads, ALU work,
 * forward branches and a bounded loop, ending in exit. Deterministic.
 */
export function syntheticProgram(size: number): Insn[] {
  const insns: Insn[] = [{ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 0 }];
  let k = 0;
  while (insns.length < size - 8) {
    const r = 2 + (k % 6);
    insns.push(
      { kind: 'ldx', size: 4, signed: false, dst: r, src: 1, off: (k * 4) % 60 },
      { kind: 'alu', width: 64, op: 'xor', source: 'imm', dst: r, src: 0, imm: k * 2654435761 },
      { kind: 'alu', width: 32, op: 'mul', source: 'imm', dst: r, src: 0, imm: 0x9e3779b1 | 0 },
      { kind: 'jmp', width: 64, op: 'jgt', source: 'imm', dst: r, src: 0, imm: k, off: 1 },
      { kind: 'alu', width: 64, op: 'add', source: 'reg', dst: 0, src: r, imm: 0 },
      { kind: 'stx', size: 8, dst: 10, src: r, off: -8 * (1 + (k % 32)) },
      { kind: 'alu', width: 64, op: 'rsh', source: 'imm', dst: r, src: 0, imm: 3 },
      { kind: 'jmp', width: 64, op: 'jne', source: 'imm', dst: r, src: 0, imm: 0, off: -3 },
    );
    k++;
  }
  while (insns.length < size - 1)
    insns.push({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: 0, src: 0, imm: 1 });
  insns.push({ kind: 'exit' });
  return insns;
}
