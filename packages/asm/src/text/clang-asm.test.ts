/**
 * Our LLVM-syntax parser on real compiler output: `clang-19 -S` for the C corpus, assembled by
 * us, must give the instructions of `clang-19 -c` for the same source (immediates that carry a
 * relocation compared by the relocation instead) and the same data sections (`.maps`,
 * `.rodata`, `.bss`, `license` …) with the same variables. With `-g`, the debug sections
 * (`.uleb128`, symbol differences in data) are dropped first: the assembler does not take them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { decode, type Insn } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElf } from '../elf/read-elf.js';
import { assemble, objectSections } from './index.js';
import { tempDir } from './tools.test-util.js';

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
    const debug = flags.includes('-g');
    const fileName = path.basename(source).replace(/c$/, 's');
    const ours = assemble(debug ? codeOnly(text) : text, { syntax: 'llvm', fileName });
    const elf = readElf(object);
    if (!debug) {
      // SHF_ALLOC without SHF_EXECINSTR: the data sections.
      const dataSections = elf.sections.filter(
        (s) => (s.flags & 2) !== 0 && (s.flags & 4) === 0 && s.size > 0,
      );
      expect(ours.data.map((d) => d.name).sort()).toEqual(dataSections.map((s) => s.name).sort());
      for (const s of dataSections) {
        const mine = ours.data.find((d) => d.name === s.name);
        expect(mine?.bytes.length, s.name).toBe(s.size);
        const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
        if (s.type !== 8) expect(hex(mine?.bytes ?? new Uint8Array()), s.name).toBe(hex(s.data));
        const variables = elf.symbols.filter((y) => y.shndx === s.index && y.type === 1);
        const ourVariables = (mine?.symbols ?? []).filter((v) => v.type === 'object');
        expect(ourVariables.map((v) => `${v.name}@${v.offset}+${v.size}`).sort(), s.name).toEqual(
          variables.map((v) => `${v.name}@${v.value}+${v.size}`).sort(),
        );
      }
    }
    for (const section of objectSections(elf)) {
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
