/**
 * Differential harness: the same random program on the interpreter and on the JIT, each in
 * its own runtime built identically (so addresses agree), compared on r0 (or the error), the
 * tracing helper's call log and every byte of the linear memory.
 */
import { type Insn, splitImm64 } from '@tbpf/isa';
import { type BpfMap, type HelperRegistry, interpreter, MAP_TYPE, Runtime } from '@tbpf/vm';
import { JitEngine, type JitOptions } from '../engine.js';
import { plainProgram } from './conformance.js';
import { CTX_SIZE, randomProgram, TRACE_HELPER } from './random-program.js';

interface Side {
  runtime: Runtime;
  helpers: HelperRegistry;
  trace: bigint[][];
  map: BpfMap;
}

function side(): Side {
  const runtime = new Runtime({ memoryBytes: 1 << 16 });
  const trace: bigint[][] = [];
  const helpers = runtime.helpers.clone();
  helpers.register({ id: TRACE_HELPER, name: 'trace', args: [], ret: 'integer' }, (call) => {
    const args = [1, 2, 3, 4, 5].map((n) => call.u64(n));
    trace.push(args);
    return BigInt.asUintN(64, args[0] * 31n + (args[1] ^ args[4]) + 7n);
  });
  const map = runtime.createMap({ name: 'm', type: MAP_TYPE.hash, keySize: 8, valueSize: 16, maxEntries: 4 });
  return { runtime, helpers, trace, map };
}

export interface Mismatch {
  seed: number;
  what: string;
  interp: unknown;
  jit: unknown;
  insns: Insn[];
}

export class Differential {
  private readonly a = side();
  private readonly b = side();
  private readonly jit: JitEngine;

  constructor(options: JitOptions = {}) {
    this.jit = new JitEngine(options);
  }

  /** Run program `seed` on both engines; undefined when they agree. */
  check(seed: number, length = 40): Mismatch | undefined {
    const { insns, mapLoads } = randomProgram(seed, length);
    for (const i of mapLoads) {
      insns[i] = {
        ...(insns[i] as Extract<Insn, { kind: 'lddw' }>),
        ...splitImm64(BigInt(this.a.map.pointer)),
      };
    }
    const ctxBytes = Uint8Array.from({ length: CTX_SIZE }, (_, i) => (seed * 131 + i * 17) & 0xff);
    const run = (s: Side, engine: 'interp' | 'jit') => {
      const program = plainProgram(s.runtime, insns, `fuzz ${seed}`);
      const prepared =
        engine === 'interp'
          ? interpreter.prepare(program, { helpers: s.helpers })
          : this.jit.prepare(program, { boundsCheck: false, helpers: s.helpers });
      const ctx = s.runtime.allocData(ctxBytes, 'ctx');
      s.trace.length = 0;
      try {
        return prepared.run(ctx.start, CTX_SIZE);
      } catch (e) {
        return `error: ${(e as Error).message}`;
      } finally {
        prepared.dispose();
        s.runtime.memory.free(ctx);
      }
    };
    const r0a = run(this.a, 'interp');
    const r0b = run(this.b, 'jit');
    const fail = (what: string, interp: unknown, jit: unknown): Mismatch => ({
      seed,
      what,
      interp,
      jit,
      insns,
    });
    if (r0a !== r0b) return fail('r0', r0a, r0b);
    if (JSON.stringify(this.a.trace, big) !== JSON.stringify(this.b.trace, big)) {
      return fail('helper trace', JSON.stringify(this.a.trace, big), JSON.stringify(this.b.trace, big));
    }
    const ma = this.a.runtime.memory.bytes;
    const mb = this.b.runtime.memory.bytes;
    if (Buffer.compare(ma, mb) !== 0) {
      const at = ma.findIndex((x, i) => x !== mb[i]);
      return fail(`memory at offset ${at}`, ma[at], mb[at]);
    }
    return undefined;
  }
}

function big(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `0x${v.toString(16)}` : v;
}
