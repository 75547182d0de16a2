/** The test corpus compiled by clang-19 (skipped where it is missing, required in CI) and by tbpf's compiler. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '@tbpf/cc-frontend';
import { haveTool } from '@tbpf/isa/testing/tools';

export const corpus = path.resolve(__dirname, '../test-corpus');
const include = path.resolve(__dirname, '../../cc-frontend/include');

export const haveClang = haveTool('clang-19');

export function clangObject(file: string): Uint8Array {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-object-')), `${path.basename(file)}.o`);
  execFileSync('clang-19', [
    '-O2',
    '-g',
    '-target',
    'bpf',
    `-I${include}`,
    '-c',
    path.join(corpus, file),
    '-o',
    out,
  ]);
  return new Uint8Array(readFileSync(out));
}

export function tbpfObject(file: string): Uint8Array {
  const r = compile(readFileSync(path.join(corpus, file), 'utf8'), { fileName: file });
  if (!r.bytes) throw new Error(r.messages);
  return r.bytes;
}

/** Each compiler that is installed, with the object it makes of `file`. */
export function compilers(file: string): { compiler: string; bytes: () => Uint8Array }[] {
  return [
    ...(haveClang ? [{ compiler: 'clang-19', bytes: () => clangObject(file) }] : []),
    { compiler: 'tbpf cc', bytes: () => tbpfObject(file) },
  ];
}
