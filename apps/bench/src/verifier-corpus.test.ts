/**
 * Smoke test of the corpus measurement on a tiny corpus built here: every program is listed,
 * judged by tbpf with its processed count and time, and — where bpf(2) works — by the kernel,
 * whose verdicts on these plain programs must be the same. Timings are never asserted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assemble, MAP_TYPES, ObjectBuilder } from '@tbpf/asm';
import { afterAll, describe, expect, test } from 'vitest';
import { buildKernelOracle, runVerifierCorpus, verifierCorpusText } from './verifier-corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'tbpf-corpus-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function object(file: string, programs: [string, string, string][]): void {
  const b = new ObjectBuilder();
  b.addMap({ name: 'counts', type: MAP_TYPES.array, keySize: 4, valueSize: 8, maxEntries: 4 });
  for (const [name, section, text] of programs)
    b.addFunction(name, section, assemble(text).insns, { global: true });
  b.license = 'GPL';
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, file), b.build());
}

object('sub/one.o', [
  ['ok', 'kprobe/sys_open', 'r0 = 0\nif r1 == 0 goto +1\nr0 = 1\nexit'],
  ['bad', 'socket1', 'r0 = *(u32 *)(r1 + 1000)\nexit'],
]);
object('two.o', [
  ['pass', 'xdp', 'r0 = 2\nexit'],
  ['uninit', 'xdp', 'r1 = *(u64 *)(r10 - 16)\nr0 = 2\nexit'],
]);

describe('tbpf-bench verifier', () => {
  test("lists every program, judges it with its section's type, reports speed, ratios and the confusion table", () => {
    const oracle = buildKernelOracle(resolve(__dirname, '../../..'));
    const report = runVerifierCorpus({ dir, repeats: 1, oracle });
    const by = new Map(report.programs.map((p) => [p.function, p]));
    expect([...by.keys()].sort()).toEqual(['bad', 'ok', 'pass', 'uninit']);
    expect(by.get('ok')!.tbpf).toMatchObject({ accepted: true, processed: 4 });
    expect(by.get('bad')!.tbpf).toMatchObject({
      accepted: false,
      error: 'invalid bpf_context access off=1000 size=4',
    });
    expect(by.get('pass')!.tbpf).toMatchObject({ accepted: true, zeroedBytes: 0 });
    expect(by.get('uninit')!.tbpf).toMatchObject({ accepted: true, zeroedBytes: 16 });
    expect(by.get('pass')!.type).toBe('xdp');
    if (oracle) {
      expect(by.get('ok')!.kernel).toMatchObject({ accepted: true });
      expect(by.get('ok')?.kernel?.processed).toBeGreaterThan(0);
      expect(by.get('bad')!.kernel).toMatchObject({ accepted: false });
      expect(by.get('pass')!.kernel).toMatchObject({ accepted: true });
      expect(by.get('uninit')!.kernel).toMatchObject({ accepted: true });
    }
    const text = verifierCorpusText(report);
    expect(text).toMatch(/^4 programs in 2 objects; tbpf judged 4 \(accepted 3\)/);
    expect(text).toMatch(/zeroed on entry\): 1 of 3 accepted programs, 16 bytes in all/);
    expect(text).toMatch(/insns\/s; per program median/);
    expect(text).toMatch(/tbpf accepts 3; PREVAIL passes 0/);
    expect(report.peakRssMbByPhase.verdicts).toBeGreaterThan(0);
    expect(report.peakRssMb).toBeGreaterThanOrEqual(report.peakRssMbByPhase.timed);
  });

  test("with PREVAIL's expectations.tsv, its rows name the programs and their status", () => {
    const tsvDir = mkdtempSync(join(dir, 'tsv-'));
    mkdirSync(join(tsvDir, 'p'));
    const b = new ObjectBuilder();
    b.addFunction('a', 'xdp', assemble('r0 = 2\nexit').insns, { global: true });
    b.addFunction('b', 'socket1', assemble('r0 = 0\nexit').insns, { global: true });
    b.license = 'GPL';
    writeFileSync(join(tsvDir, 'p/x.o'), b.build());
    writeFileSync(
      join(tsvDir, 'expectations.tsv'),
      'project\tobject\tsection\tfunction\tstatus\np\tx.o\tsocket1\tb\tpass\np\tmissing.o\txdp\ta\tpass\np\tx.o\txdp\ta\treject\n',
    );
    const report = runVerifierCorpus({ dir: tsvDir, repeats: 1 });
    expect(report.programs.map((p) => [p.object, p.function, p.expected, p.tbpf?.accepted])).toEqual([
      ['p/x.o', 'b', 'pass', true],
      ['p/missing.o', 'a', 'pass', undefined],
      ['p/x.o', 'a', 'reject', true],
    ]);
    expect(report.programs[1].loadError).toMatch(/ENOENT/);
  });
});
