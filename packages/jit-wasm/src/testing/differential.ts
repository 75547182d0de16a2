/**
 * Differential runs: the same program on the interpreter and on the wasm engine, each in its own
 * runtime built identically (same maps, same context bytes, so the same pointer values), then
 * r0 (or the error), the whole linear memory and the helper-call trace are compared.
 */
import type { Insn } from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';
import {
  type Engine,
  type HelperRegistry,
  interpreter,
  loadInsns,
  MAP_TYPE,
  NULL_GUARD,
  Runtime,
  VmError,
} from '@tbpf/vm';
import { CTX_BYTES, type FuzzEnv } from './random-program.js';

export const TRACE_HELPER = 900;

interface World {
  runtime: Runtime;
  helpers: HelperRegistry;
  trace: number[][];
  env: FuzzEnv;
  ctx: number;
}

/** A runtime with two maps, a random context and a tracing helper; identical for equal seeds. */
export function world(seed: number): World {
  let now = 1_000_000_007;
  const clock = () => {
    now += 977;
    return now;
  };
  const runtime = new Runtime({ memoryBytes: 1 << 16, seed: 7, cpu: 3, clock });
  const trace: number[][] = [];
  const helpers = runtime.helpers.clone();
  helpers.register({ id: TRACE_HELPER, name: 'trace', args: [], ret: 'integer' }, (call) => {
    const args = [1, 2, 3, 4, 5].flatMap((n) => [call.lo[n], call.hi[n]]);
    trace.push(args);
    call.set64(args[0] ^ Math.imul(args[2], 3) ^ args[9], args[1] + args[4]);
    return undefined;
  });
  const arr = runtime.createMap({
    name: 'arr',
    type: MAP_TYPE.array,
    keySize: 4,
    valueSize: 16,
    maxEntries: 4,
  });
  const hash = runtime.createMap({
    name: 'hash',
    type: MAP_TYPE.hash,
    keySize: 8,
    valueSize: 16,
    maxEntries: 8,
  });
  const lru = runtime.createMap({
    name: 'lru',
    type: MAP_TYPE.lru_hash,
    keySize: 8,
    valueSize: 16,
    maxEntries: 4,
  });
  const rnd = seededRandom(seed ^ 0x5eed);
  const bytes = Uint8Array.from({ length: CTX_BYTES }, () => Math.floor(rnd() * 256));
  const ctx = runtime.allocData(bytes, 'ctx').start;
  return {
    runtime,
    helpers,
    trace,
    env: { maps: [arr.id, hash.id, lru.id], traceHelper: TRACE_HELPER },
    ctx,
  };
}

export interface Outcome {
  result: string;
  trace: number[][];
  printk: string[];
  memory: Uint8Array;
  /** wasm engine only: how each function's control flow was compiled. */
  plans?: string[];
}

/** Run `insns` on `engine` in a fresh world; memory excludes regions private to the engine. */
export function outcome(engine: Engine, insns: Insn[], seed: number): Outcome {
  const w = world(seed);
  const program = loadInsns(w.runtime, insns);
  const before = new Set(w.runtime.memory.regions);
  const prepared = engine.prepare(program, { helpers: w.helpers });
  // The wasm engine's private regions (exchange area, region table) come after the stack.
  const attempt = (run: () => bigint | number): string => {
    try {
      return `r0=${run().toString(16)}`;
    } catch (e) {
      if (!(e instanceof VmError)) throw e;
      return `${e.kind}@${e.pc}`;
    }
  };
  // run (exact) then runFast (the hot path) on the memory the first run left.
  const result = [
    attempt(() => prepared.run(w.ctx, CTX_BYTES)),
    attempt(() => prepared.runFast(w.ctx, CTX_BYTES)),
  ].join(' ');
  const memory = w.runtime.memory.bytes.slice();
  // The interpreter and the wasm engine both allocate the stack first; anything else an engine
  // allocated (the wasm helper exchange, when the NULL guard has no slot left) is private to it.
  for (const r of w.runtime.memory.regions) {
    if (!before.has(r) && r.kind !== 'stack') memory.fill(0, r.start, r.end);
  }
  prepared.dispose();
  const plans = (prepared as { compiled?: { plans: string[] } }).compiled?.plans;
  return { result, trace: w.trace, printk: w.runtime.printkLog, memory, plans };
}

/** The first difference between two outcomes, or undefined. */
export function difference(a: Outcome, b: Outcome): string | undefined {
  if (a.result !== b.result) return `result: ${a.result} vs ${b.result}`;
  if (JSON.stringify(a.trace) !== JSON.stringify(b.trace)) return 'helper trace differs';
  if (a.printk.join('\n') !== b.printk.join('\n')) return 'trace_printk output differs';
  // The NULL guard is the engines' own (jit-wasm keeps its region table there); no program reaches it.
  for (let i = NULL_GUARD; i < a.memory.length; i++) {
    if (a.memory[i] !== b.memory[i]) return `memory differs at offset ${i}: ${a.memory[i]} vs ${b.memory[i]}`;
  }
  return undefined;
}

export { interpreter };
