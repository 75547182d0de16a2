import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '@tbpf/asm';
import { lddwPseudo } from '@tbpf/isa';
import { benchPrograms as progs } from '@tbpf/third-party';
import { type Engine, interpreter, MAP_TYPE, type Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { WasmEngine, wasmEngine } from '../engine.js';
import {
  codegenTime,
  compileTime,
  perCall,
  perInstruction,
  type Sample,
  syntheticProgram,
} from './measure.js';

/**
 * `BENCH=1 npx vitest run src/bench` prints the benchmark table (medians); without BENCH the
 * harness runs once on tiny settings so that it stays working. jit-x64 is measured in the same
 * run when its native executor is built (loaded by path: the two JITs do not depend on each other).
 */
const FULL = process.env.BENCH === '1';
const program = (name: string) => assemble(readFileSync(path.join(progs, `${name}.asm`), 'utf8')).insns;

function context(name: string): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set(new TextEncoder().encode(name), 16);
  return bytes;
}

async function x64(): Promise<Engine[]> {
  try {
    const mod = (await import('../../../jit-x64/src/index.js')) as { x64Engine?: Engine };
    const engine = mod.x64Engine;
    return engine?.available().ok ? [engine] : [];
  } catch {
    return [];
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(9);
const show = (x: Sample, digits: number) =>
  `${x.engine}:${fmt(x.median, digits)} (min ${x.min.toFixed(digits)})`;

describe('benchmarks', () => {
  it(FULL ? 'full benchmark (medians)' : 'harness smoke run', async () => {
    const engines: Engine[] = [wasmEngine, ...(await x64())];
    const opts = FULL ? {} : { rounds: 1, calls: 1000 };
    const lines: string[] = [`engines: ${engines.map((e) => e.name).join(', ')}`];
    for (const name of ['empty', 'filter', 'filter_branchy']) {
      const inputs = name === 'empty' ? [] : [context('eth5\0'), context('eth6\0')];
      const s = perCall(FULL ? [...engines, interpreter] : engines, program(name), inputs, opts);
      lines.push(`${name.padEnd(16)} ns/call   ${s.map((x) => show(x, 2)).join('  ')}`);
      expect(s.every((x) => Number.isFinite(x.median))).toBe(true);
    }
    if (FULL) {
      for (const name of ['loop', 'mem']) {
        // wasm-dispatch: the basic-block dispatcher everywhere — what block/loop nesting buys.
        const dispatcher = new WasmEngine({ controlFlow: 'dispatch' });
        const { executed, samples } = perInstruction(
          [...engines, dispatcher],
          program(name),
          new Uint8Array(64),
          {
            rounds: 9,
          },
        );
        const named = samples.map((x, k) => (k === engines.length ? { ...x, engine: 'wasm-dispatch' } : x));
        lines.push(
          `${name.padEnd(16)} ns/insn   ${named.map((x) => show(x, 3)).join('  ')}  (${executed} insns)`,
        );
      }
      // Helper calls: one hash-map lookup per iteration; wasm-js-helpers sends it to JavaScript.
      const setup = (rt: Runtime) => {
        rt.createMap({ name: 'h', type: MAP_TYPE.hash, keySize: 4, valueSize: 8, maxEntries: 64 });
      };
      const text = `mov %r6, 200000
        l:
        mov %r1, %r6
        and %r1, 7
        stxw [%r10-4], %r1
        lddw %r1, 0x5eed
        mov %r2, %r10
        add %r2, -4
        call 1
        sub %r6, 1
        jne %r6, 0, l
        exit`;
      const lookups = assemble(text).insns.map((x) => (x.kind === 'lddw' ? lddwPseudo('map_fd', 1, 1) : x));
      const all = [...engines, new WasmEngine({ nativeHelpers: false }), interpreter];
      const { executed, samples } = perInstruction(all, lookups, undefined, { rounds: 7, setup });
      const perIteration = samples.map((x, k) => ({
        ...x,
        engine: k === engines.length ? 'wasm-js-helpers' : x.engine,
        median: (x.median * executed) / 200_000,
        min: (x.min * executed) / 200_000,
      }));
      lines.push(`map lookup loop  ns/iter   ${perIteration.map((x) => show(x, 1)).join('  ')}`);
    }
    const big = syntheticProgram(4096);
    const c = compileTime(engines, big, FULL ? { rounds: 30 } : { rounds: 1 });
    lines.push(
      `prepare+1st run  ms        ${c.map((x) => `${show(x, 3)} cold ${x.cold.toFixed(1)}`).join('  ')}  (4096 insns)`,
    );
    const g = codegenTime(big, FULL ? { rounds: 30 } : { rounds: 1 });
    lines.push(`wasm codegen     ms        ${show(g, 3)}  (4096 insns → ${g.bytes} bytes of WebAssembly)`);
    console.log(lines.join('\n'));
  }, 600_000);
});
