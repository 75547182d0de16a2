import { encode } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { wasmEngine } from './engine.js';
import { difference, interpreter, outcome, world } from './testing/differential.js';
import { randomProgram } from './testing/random-program.js';

/** CI runs a seeded sample; `FUZZ_PROGRAMS=100000 pnpm run fuzz` runs the long campaign. */
const PROGRAMS = Number(process.env.FUZZ_PROGRAMS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20260101);

describe('differential fuzzing: wasm engine vs the interpreter', () => {
  it(
    `${PROGRAMS} random programs give the same r0, memory and helper trace`,
    async () => {
      const env = world(0).env;
      let dispatched = 0;
      let helperCalls = 0;
      let compared = 0;
      const started = Date.now();
      for (let n = 0; n < PROGRAMS; n++) {
        const seed = (SEED + n) >>> 0;
        const insns = randomProgram(seed, env, 20 + (n % 60));
        const want = outcome(interpreter, insns, seed);
        const got = outcome(wasmEngine, insns, seed);
        const diff = difference(want, got);
        if (diff) {
          const hex = Buffer.from(encode(insns)).toString('hex');
          expect.fail(`seed ${seed}: ${diff}\nprogram (${insns.length} insns): ${hex}`);
        }
        if (want.result.startsWith('r0=')) compared++;
        // Yield now and then so the test runner's worker stays responsive on long campaigns.
        if (n % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 0));
        if (PROGRAMS >= 10_000 && n % 10_000 === 9_999) {
          console.log(`fuzz: ${n + 1}/${PROGRAMS} programs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
        if (got.plans?.includes('dispatch')) dispatched++;
        helperCalls += got.trace.length;
      }
      // The generator must keep exercising both control-flow strategies and the helpers.
      // Most programs end normally; the rest stop with the same error at the same pc.
      expect(compared).toBeGreaterThan(PROGRAMS * 0.8);
      expect(dispatched).toBeGreaterThan(PROGRAMS / 20);
      expect(dispatched).toBeLessThan(PROGRAMS);
      expect(helperCalls).toBeGreaterThan(PROGRAMS / 2);
      console.log(
        `fuzz: ${PROGRAMS} programs from seed ${SEED} agree (${PROGRAMS - compared} stopped with the same VmError and pc); ${dispatched} used the dispatcher, ${helperCalls} traced helper calls`,
      );
    },
    PROGRAMS * 50 + 10_000,
  );
});
