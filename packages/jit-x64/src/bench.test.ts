/** `pnpm run bench` (BENCH=1): prints the JIT's figures. Skipped in normal test runs; asserts no timing. */
import { benchPrograms as progsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { largeProgram, runX64Bench } from './bench.js';
import { nativeAvailable } from './testing/native.js';

describe('benchmarks', () => {
  it('the large compile program has 4,096 instructions', () => {
    expect(largeProgram()).toHaveLength(4096);
  });

  it.skipIf(!process.env.BENCH || !nativeAvailable())('x86-64 JIT figures', { timeout: 0 }, () => {
    const report = runX64Bench({ progsDir, progress: (s) => console.log(`  done: ${s}`) });
    console.log(JSON.stringify(report, null, 2));
    expect(report.loopNsPerInsn).toBeGreaterThan(0);
  });
});
