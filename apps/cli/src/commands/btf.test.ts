/**
 * `tbpf btf dump` against bpftool (the oracle, skipped where it is missing and required in
 * CI): for every object clang-19 and tbpf cc make of the C corpora, the raw listing, its JSON
 * and the C declarations are bpftool's, byte for byte (JSON: the same objects, 64-bit enum
 * values as strings by the CLI's JSON rule).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';
import { compilers } from './corpus.test-util.js';

const haveBpftool = (() => {
  const ok = spawnSync('bpftool', ['version'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI) throw new Error('bpftool is required in CI');
  return ok;
})();
const work = mkdtempSync(path.join(tmpdir(), 'tbpf-btf-'));

async function tbpf(bytes: Uint8Array, ...args: string[]) {
  const io = memoryIo({ 'x.o': bytes });
  const code = await runCli(['node', 'tbpf', 'btf', 'dump', 'x.o', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe.skipIf(!haveBpftool).each(compilers)(
  'btf dump of objects by $compiler, as bpftool',
  ({ objects }) => {
    it.each(objects())('$source', async ({ source, bytes }) => {
      const file = path.join(work, `${path.basename(source)}.o`);
      writeFileSync(file, bytes);
      const bpftool = (options: string[], format: string[] = []) =>
        execFileSync('bpftool', [...options, 'btf', 'dump', 'file', file, ...format], { encoding: 'utf8' });
      expect(await tbpf(bytes)).toEqual({ code: 0, stdout: bpftool([]), stderr: '' });
      expect(await tbpf(bytes, 'format', 'c')).toEqual({
        code: 0,
        stdout: bpftool([], ['format', 'c']),
        stderr: '',
      });
      const json = JSON.parse((await tbpf(bytes, '--json')).stdout);
      const theirs = JSON.parse(bpftool(['-j']));
      for (const t of theirs.types)
        for (const v of t.values ?? []) if (t.kind === 'ENUM64') v.val = String(v.val);
      expect(json).toEqual(theirs);
    });
  },
);

describe('tbpf btf dump', () => {
  it('refuses objects without BTF, other formats and bad words, by the CLI contract', async () => {
    const none = memoryIo({ 'p.s': 'exit\n' });
    await runCli(['node', 'tbpf', 'asm', 'p.s', '--format', 'elf', '-o', 'p.o'], none);
    const bytes = none.files['p.o'] as Uint8Array;
    expect(await tbpf(bytes)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'tbpf: x.o: the object has no .BTF section (compile with -g)\n',
    });
    expect((await tbpf(bytes, 'format', 'go')).stderr).toBe("tbpf: the format is raw or c, not 'go'\n");
    expect((await tbpf(bytes, 'formats')).stderr).toMatch(/^tbpf: expected 'format raw' or 'format c'/);
    expect((await tbpf(new Uint8Array(8))).code).toBe(2);
  });
});
