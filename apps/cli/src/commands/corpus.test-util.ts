/**
 * The repository's C corpora compiled by clang-19 (where installed; CI requires it) and by tbpf
 * cc, for tests that take "every object the compilers make" as their input.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '@tbpf/cc-frontend';
import { haveTool } from '@tbpf/isa/testing/tools';

const root = path.resolve(__dirname, '../../../..');
const include = path.join(root, 'packages/cc-frontend/include');
const CORPORA = [
  'packages/cc-frontend/test-corpus',
  'packages/object/test-corpus',
  'packages/verifier/test-corpus/c',
  'packages/asm/test-corpus/objects',
  'packages/asm/test-corpus/text/c',
];
export const sources = CORPORA.flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => path.join(dir, f)),
);

export const haveClang = haveTool('clang-19');

const work = mkdtempSync(path.join(tmpdir(), 'tbpf-round-trip-'));

export function clangObject(source: string): Uint8Array | undefined {
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

export function tbpfObject(source: string): Uint8Array | undefined {
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

/** Each installed compiler, with every corpus object it makes (programs it cannot compile left out). */
export const compilers = [
  ...(haveClang ? [{ compiler: 'clang-19', build: clangObject }] : []),
  { compiler: 'tbpf cc', build: tbpfObject },
].map(({ compiler, build }) => ({
  compiler,
  /** Built on first use, once. */
  objects: (() => {
    let made: { source: string; bytes: Uint8Array }[] | undefined;
    return () => {
      made ??= sources.flatMap((source) => {
        const bytes = build(source);
        return bytes ? [{ source, bytes }] : [];
      });
      return made;
    };
  })(),
}));
