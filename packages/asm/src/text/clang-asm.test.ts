/**
 * Our LLVM-syntax parser on real compiler output: `clang-19 -S` for the C corpus, its code
 * sections assembled by us, must give the instructions of `clang-19 -c` for the same source
 * (immediates that carry a relocation compared by the relocation instead). Data sections
 * (`.maps`, `.bss`, `license`, …) are dropped first: the assembler does not take data.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { decode, type Insn } from '@tbpf/isa';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElf } from '../elf/read-elf.js';
import { assemble, objectSections } from './index.js';
import { haveTool, tempDir } from './tools.test-util.js';

const corpus = path.resolve(__dirname, '../../test-corpus');
const SOURCES = [
  'text/c/maps_and_calls.c',
  'text/c/arith.c',
  'objects/maps_btf.c',
  'objects/subprogs.c',
  'objects/loops.c',
  'objects/globals.c',
  'objects/legacy_maps.c',
];
const FLAGS = [
  ['-O2', '-mcpu=v4'],
  ['-O2', '-mcpu=v3', '-g'],
];

/** clang -S output without its data sections (everything outside "ax" sections and .text). */
function codeOnly(text: string): string {
  let inCode = true;
  return text
    .split('\n')
    .filter((line) => {
      const t = line.trim();
      if (t.startsWith('.text')) inCode = true;
      else if (/^\.(section|bss|data|rodata)\b/.test(t))
        inCode = t.startsWith('.section') && /,"[a-z]*x[a-z]*"/.test(t);
      return inCode && !/^\.(addrsig|addrsig_sym)\b/.test(t);
    })
    .join('\n');
}

const canRun = haveTool('clang-19');
const run = promisify(execFile);
const cases = FLAGS.flatMap((flags) =>
  SOURCES.filter((s) => !(s.endsWith('arith.c') && flags.includes('-mcpu=v3'))).map((source) => ({
    source,
    flags,
  })),
);

describe.skipIf(!canRun)('clang-19 -S output assembles to clang-19 -c code', { timeout: 120_000 }, () => {
  const outputs = new Map<string, { text: string; object: Uint8Array }>();
  beforeAll(async () => {
    const dir = tempDir();
    await Promise.all(
      cases.map(async ({ source, flags }, i) => {
        const args = [
          '-target',
          'bpf',
          ...flags,
          '-I',
          path.join(corpus, 'objects'),
          path.join(corpus, source),
        ];
        const s = path.join(dir, `${i}.s`);
        const o = path.join(dir, `${i}.o`);
        await Promise.all([
          run('clang-19', [...args, '-S', '-o', s]),
          run('clang-19', [...args, '-c', '-o', o]),
        ]);
        outputs.set(`${source} ${flags.join(' ')}`, {
          text: readFileSync(s, 'utf8'),
          object: new Uint8Array(readFileSync(o)),
        });
      }),
    );
  }, 120_000);

  it.each(cases)('$source $flags', ({ source, flags }) => {
    const { text, object } = outputs.get(`${source} ${flags.join(' ')}`) as {
      text: string;
      object: Uint8Array;
    };
    const ours = assemble(codeOnly(text), {
      syntax: 'llvm',
      fileName: path.basename(source).replace(/c$/, 's'),
    });
    for (const section of objectSections(readElf(object))) {
      const relocated = new Set((section.relocations ?? []).map((r) => r.offset));
      const mask = (insns: Insn[]) => {
        let at = 0;
        return insns.map((insn) => {
          const masked = relocated.has(at) && 'imm' in insn ? { ...insn, imm: 0 } : insn;
          at += insn.kind === 'lddw' ? 16 : 8;
          return masked;
        });
      };
      const got = ours.sections.find((s) => s.name === section.name)?.insns ?? [];
      expect(mask(got), section.name).toEqual(mask(decode(section.bytes as Uint8Array)));
    }
  });
});
