/**
 * Benchmark (reports, asserts nothing): `VERIFIER_BENCH=1 npx vitest run src/bench.test.ts`.
 * Processed instructions per second on large programs with branches and loops, and the warm
 * time to verify the RFC's filter.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, filterEx1Image, translateRfcImage } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { benchPrograms } from '@tbpf/third-party';
import { describe, it } from 'vitest';
import { kprobeType, rawType, standardHelperSet, type VerifyOptions, verify } from './index.js';

const helpers = standardHelperSet();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(name: string, insns: Insn[], opts: VerifyOptions, repeats: number): void {
  const first = verify(insns, opts);
  if (!first.accepted) throw new Error(`${name}: ${first.error?.reason}`);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    verify(insns, opts);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  const rate = (first.stats.processed / ms) * 1000;
  console.log(
    `${name.padEnd(34)} ${String(insns.length).padStart(6)} insns  processed ${String(first.stats.processed).padStart(8)}  median ${ms.toFixed(3)} ms  ${Math.round(rate).toLocaleString('en-US')} insns/s  states ${first.stats.totalStates}`,
  );
}

/** `n` diamonds on context values: branches that pruning must keep linear. */
function diamonds(n: number): Insn[] {
  const lines = ['r7 = *(u64 *)(r1 + 104)', 'r0 = 0'];
  for (let i = 0; i < n; i++) {
    const field = 8 * (i % 21);
    lines.push(
      `r6 = *(u64 *)(r1 + ${field})`,
      `if r6 > ${i * 3} goto +2`,
      'r0 += r7',
      'r0 &= 0xffff',
      `r8 = ${i}`,
      'r8 *= 3',
      'r0 ^= r8',
      'r0 &= 0xffff',
    );
  }
  lines.push('exit');
  return assemble(lines.join('\n')).insns;
}

/** A counted loop with a branchy body, `iterations` times. */
function loop(iterations: number): Insn[] {
  return assemble(`
    r1 = 0
    r0 = 0
    *(u64 *)(r10 - 8) = 0
  loop:
    r2 = r1
    r2 &= 7
    if r2 > 3 goto odd
    r0 += r1
    goto next
  odd:
    r0 ^= r1
  next:
    r3 = *(u64 *)(r10 - 8)
    r3 += 1
    *(u64 *)(r10 - 8) = r3
    r1 += 1
    if r1 < ${iterations} goto loop
    exit
  `).insns;
}

describe.skipIf(!process.env.VERIFIER_BENCH)('verifier benchmark', () => {
  it('throughput and the RFC filter', () => {
    const filter = assemble(readFileSync(path.join(benchPrograms, 'filter.asm'), 'utf8'), {
      syntax: 'ubpf',
    }).insns;
    const branchy = assemble(readFileSync(path.join(benchPrograms, 'filter_branchy.asm'), 'utf8'), {
      syntax: 'ubpf',
    }).insns;
    const ex1 = translateRfcImage(filterEx1Image());
    measure('RFC filter (bench filter.asm, raw 21)', filter, { type: rawType(21, helpers) }, 2001);
    measure('filter_branchy.asm (raw 21)', branchy, { type: rawType(21, helpers) }, 2001);
    measure('RFC filter_ex1 image (kprobe)', ex1.insns, { type: kprobeType(helpers), maps: ex1.maps }, 2001);
    measure('2000 diamonds (kprobe)', diamonds(2000), { type: kprobeType(helpers) }, 11);
    measure('loop x 10000, branchy body', loop(10000), { type: rawType(0, helpers) }, 5);
    measure('loop x 50000, branchy body', loop(50000), { type: rawType(0, helpers) }, 3);
  }, 600_000);
});
