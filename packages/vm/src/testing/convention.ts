/**
 * The host's address convention (engine.ts) as every engine must implement it: `run` and
 * `runFast` take the context's offset (0: r1 = 0, NULL) and r2. Engines' tests check
 * `expect(got).toEqual(want)` for `addressConvention(engine)`.
 */
import { assemble } from '@tbpf/asm';
import type { Engine } from '../engine.js';
import { loadInsns } from '../loader.js';
import { BPF_ADDRESS_BASE } from '../memory.js';
import { Runtime } from '../runtime.js';

type Seen = { r1: (bigint | number)[]; r2: (bigint | number)[] };

/** r1 and r2 as `engine` passes them through run() and runFast(), with and without a context. */
export function addressConvention(engine: Engine): { got: Seen; want: Seen } {
  const runtime = new Runtime({ memoryBytes: 1 << 16 });
  const ctx = runtime.allocData(new Uint8Array(8), 'ctx').start;
  const r1 = engine.prepare(loadInsns(runtime, assemble('mov %r0, %r1\nexit').insns));
  const r2 = engine.prepare(loadInsns(runtime, assemble('mov %r0, %r2\nexit').insns));
  try {
    return {
      got: {
        r1: [r1.run(), r1.run(0, 5), r1.run(ctx, 5), r1.runFast(0, 5), r1.runFast(ctx, 5)],
        r2: [r2.run(), r2.run(ctx, 0xffff_ffff), r2.runFast(0, 0xffff_ffff), r2.runFast(ctx, 7)],
      },
      want: {
        r1: [0n, 0n, BigInt(BPF_ADDRESS_BASE + ctx), 0, ctx],
        r2: [0n, 0xffff_ffffn, 0xffff_ffff, 7],
      },
    };
  } finally {
    r1.dispose();
    r2.dispose();
  }
}
