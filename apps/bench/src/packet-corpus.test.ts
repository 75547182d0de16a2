/**
 * Smoke test of the packet-program corpus measurement on a tiny corpus built here (root: the
 * kernel runs the programs; skipped elsewhere with the reason, required in CI): packet programs
 * are found and compared, others left out, a random-helper caller counted apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, ObjectBuilder } from '@tbpf/asm';
import { buildTestRunOracle } from '@tbpf/object/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { packetCorpusText, runPacketCorpus } from './packet-corpus.js';

const oracle = buildTestRunOracle();
if (!('bin' in oracle)) {
  if (process.env.CI) throw new Error(`the kernel's BPF_PROG_TEST_RUN is required in CI: ${oracle.reason}`);
  console.log(`packet corpus test skipped: ${oracle.reason}`);
}

const dir = mkdtempSync(join(tmpdir(), 'tbpf-packet-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b = new ObjectBuilder();
// XDP: the packet's length (data_end - data); tc: the first byte of the packet; a kprobe; prandom.
b.addFunction('len', 'xdp', assemble('r2 = *(u32 *)(r1 + 0)\nr0 = *(u32 *)(r1 + 4)\nr0 -= r2\nexit').insns, {
  global: true,
});
b.addFunction(
  'first',
  'tc',
  assemble(
    'r2 = *(u32 *)(r1 + 76)\nr3 = *(u32 *)(r1 + 80)\nr0 = 0\nr4 = r2\nr4 += 1\nif r4 > r3 goto +1\nr0 = *(u8 *)(r2 + 0)\nexit',
  ).insns,
  { global: true },
);
b.addFunction('probe', 'kprobe/sys_open', assemble('r0 = 0\nexit').insns, { global: true });
b.addFunction('dice', 'xdp', assemble('call 7\nr0 &= 3\nexit').insns, { global: true });
b.license = 'GPL';
writeFileSync(join(dir, 'packets.o'), b.build());

describe.skipIf(!('bin' in oracle))('tbpf-bench packets', () => {
  test('compares the packet programs with the kernel; leaves the others out', () => {
    const bin = 'bin' in oracle ? oracle.bin : '';
    const report = runPacketCorpus({ dir, bin, random: 4, seed: 1 });
    const by = new Map(report.programs.map((p) => [p.program, p]));
    expect([...by.keys()].sort()).toEqual(['dice', 'first', 'len']);
    expect(by.get('len')).toMatchObject({ type: 'xdp', differences: [], nondeterministic: [] });
    expect(by.get('len')?.kernelOutcomes).toBeGreaterThan(3);
    expect(by.get('first')).toMatchObject({ type: 'sched_cls', differences: [] });
    expect(by.get('dice')?.nondeterministic).toEqual(['bpf_get_prandom_u32']);
    const text = packetCorpusText(report);
    expect(text).toMatch(/agree bit for bit .*: 2 of the 2 that call no clock or random helper/);
  });
});
