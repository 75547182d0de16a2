/**
 * `tbpf disasm --style asm` → `tbpf asm --format elf` gives back the object: for every object
 * clang-19 and tbpf cc make of the repository's C corpora — maps, global data, BTF and line
 * info included — the rebuilt object reads as the same programs (linked, with their line
 * info), the same maps and the same BTF, with the same data section bytes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkProgram, type ObjectFile, objectData, readElf, readObject } from '@tbpf/asm';
import { compile } from '@tbpf/cc-frontend';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const root = path.resolve(__dirname, '../../../..');
const include = path.join(root, 'packages/cc-frontend/include');
const CORPORA = [
  'packages/cc-frontend/test-corpus',
  'packages/object/test-corpus',
  'packages/verifier/test-corpus/c',
  'packages/asm/test-corpus/objects',
  'packages/asm/test-corpus/text/c',
];
const sources = CORPORA.flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => path.join(dir, f)),
);

const haveClang = (() => {
  const ok = spawnSync('clang-19', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI) throw new Error('clang-19 is required in CI');
  return ok;
})();

const work = mkdtempSync(path.join(tmpdir(), 'tbpf-round-trip-'));

function clangObject(source: string): Uint8Array | undefined {
  const out = path.join(work, `${path.basename(source)}.o`);
  try {
    execFileSync(
      'clang-19',
      [
        '-target',
        'bpf',
        '-O2',
        '-g',
        '-I',
        include,
        '-I',
        path.dirname(path.join(root, source)),
        '-c',
        path.join(root, source),
        '-o',
        out,
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined; // clang cannot compile it (the corpus has programs only tbpf cc takes)
  }
  return new Uint8Array(readFileSync(out));
}

function tbpfObject(source: string): Uint8Array | undefined {
  const text = readFileSync(path.join(root, source), 'utf8');
  const dir = path.dirname(path.join(root, source));
  const r = compile(text, {
    fileName: path.basename(source),
    includeDirs: [dir],
    readFile: (p) => {
      try {
        return readFileSync(path.resolve(dir, p), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  return r.bytes;
}

/** What loading sees of an object: its linked programs, maps, BTF and unsupported parts. */
function meaning(obj: ObjectFile) {
  return {
    programs: obj.programs.map((p) => {
      try {
        return linkProgram(obj, p.name);
      } catch (e) {
        return (e as Error).message;
      }
    }),
    maps: obj.maps,
    btf: obj.btf,
    license: obj.license,
    unsupported: obj.unsupported,
  };
}

async function roundTrip(bytes: Uint8Array): Promise<Uint8Array> {
  const io = memoryIo({ 'x.o': bytes });
  expect(await runCli(['node', 'tbpf', 'disasm', '--style', 'asm', 'x.o'], io), io.stderr).toBe(0);
  const text = io.stdout;
  const back = memoryIo({ 'x.s': text });
  expect(
    await runCli(['node', 'tbpf', 'asm', 'x.s', '--format', 'elf', '-o', 'y.o'], back),
    back.stderr,
  ).toBe(0);
  return back.files['y.o'] as Uint8Array;
}

const compilers = [
  ...(haveClang ? [{ compiler: 'clang-19', build: clangObject }] : []),
  { compiler: 'tbpf cc', build: tbpfObject },
];

describe.each(compilers)('disasm --style asm | asm --format elf, objects by $compiler', ({ build }) => {
  const objects = sources.flatMap((source) => {
    const bytes = build(source);
    return bytes ? [{ source, bytes }] : [];
  });

  it('covers the corpora', () => {
    expect(objects.length).toBeGreaterThan(sources.length * 0.8);
  });

  it.each(objects)('$source', async ({ bytes: original }) => {
    const rebuilt = await roundTrip(original);
    expect(meaning(readObject(rebuilt))).toEqual(meaning(readObject(original)));
    const data = (b: Uint8Array) =>
      objectData(readElf(b)).map((d) => [d.name, Buffer.from(d.bytes).toString('hex'), d.alloc, d.writable]);
    expect(data(rebuilt)).toEqual(data(original));
  });
});
