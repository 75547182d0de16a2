/**
 * Differential fuzzing against the interpreter. CI runs a seeded sample; `pnpm run fuzz`
 * (FUZZ_COUNT=100000) runs the long campaign and prints a summary.
 */
import { formatInsn } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import type { JitOptions } from './engine.js';
import { Differential } from './testing/differential.js';
import { nativeAvailable } from './testing/native.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 600);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);

describe.skipIf(!nativeAvailable())('JIT = interpreter on random programs', () => {
  // {} is the engine's default: confined and blinded.
  const configs: JitOptions[] = [{}, { blind: false }, { addressing: 'confined' }, { addressing: 'direct' }];
  for (const config of configs) {
    const share = Object.keys(config).length === 0 ? COUNT : Math.ceil(COUNT / 6);
    it(`${share} programs ${JSON.stringify(config)}`, { timeout: 0 }, async () => {
      const diff = new Differential(config);
      const started = Date.now();
      for (let n = 0; n < share; n++) {
        const seed = FIRST_SEED + n;
        const bad = diff.check(seed, 20 + (seed % 60));
        if (bad) {
          const listing = bad.insns.map((insn, i) => `${i}: ${formatInsn(insn)}`).join('\n');
          expect.fail(
            `seed ${seed}: ${bad.what} differs (interp ${String(bad.interp)}, jit ${String(bad.jit)})\n${listing}`,
          );
        }
        // Let the test runner's worker talk to its parent during long campaigns.
        if (n % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
        if (process.env.FUZZ_COUNT && n > 0 && n % 10000 === 0) {
          console.log(
            `fuzz ${JSON.stringify(config)}: ${n} programs agree (${((Date.now() - started) / 1000).toFixed(0)} s)`,
          );
        }
      }
      if (process.env.FUZZ_COUNT) {
        console.log(
          `fuzz ${JSON.stringify(config)}: ${share} programs from seed ${FIRST_SEED} agree (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
      }
    });
  }
});
