/**
 * Round trips through text: asm → ELF (writeAssembled) → read → formatAssembly → asm is the
 * identity on instructions, relocations and symbols; clang-19 objects come back as the same
 * instructions from our assembler and the same bytes from llvm-mc-19.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/read-elf.js';
import { writeAssembled } from '../object/write-object.js';
import { assemble, formatAssembly, objectSections } from './index.js';
import { haveTool, llvmMc, sectionBytes, tempDir } from './tools.test-util.js';

const corpus = path.resolve(__dirname, '../../test-corpus');
const progS = readFileSync(path.join(corpus, 'text/prog.s'), 'utf8');

describe('assembler text round trips', () => {
  it('asm → ELF → read → formatAssembly → asm is the identity', () => {
    const first = assemble(progS, { fileName: 'prog.s' });
    const elf = readElf(writeAssembled(first, { license: 'GPL' }));
    const text = formatAssembly(objectSections(elf));
    const second = assemble(text, { fileName: 'round-trip.s' });
    expect(second.sections.map((s) => [s.name, s.insns])).toEqual(
      first.sections.map((s) => [s.name, s.insns]),
    );
    const relocs = (p: typeof first) =>
      p.relocations.map(({ section, index, symbol, type }) => ({ section, index, symbol, type }));
    expect(relocs(second)).toEqual(relocs(first));
    const funcs = (p: typeof first) =>
      p.symbols
        .filter((s) => s.type === 'func')
        .map(({ name, section, index, binding, size }) => ({ name, section, index, binding, size }));
    expect(funcs(second)).toEqual(funcs(first));
  });

  it('says what LLVM syntax cannot hold', () => {
    const text = formatAssembly([
      {
        name: '.text',
        insns: [
          { kind: 'call', target: 'kfunc', imm: 7 },
          { kind: 'ldind', size: 4, src: 1, imm: 2 },
          { kind: 'exit' },
        ],
      },
    ]);
    expect(text).toContain('call 0x7 # a kfunc call (src 2): LLVM syntax has none');
    expect(text).toContain('r0 = *(u32 *)skb[r1] # skb[rN + 2]: LLVM syntax has no immediate here');
  });
});

const canRun = haveTool('clang-19') && haveTool('llvm-mc-19') && haveTool('llvm-objcopy-19');

describe.skipIf(!canRun)('clang-19 objects through formatAssembly', { timeout: 120_000 }, () => {
  // Not globals.c: its code refers to .data/.bss through section symbols, and this text has no data sections.
  const sources = [
    'text/c/maps_and_calls.c',
    'text/c/arith.c',
    'objects/subprogs.c',
    'objects/loops.c',
    'objects/maps_btf.c',
  ];
  const dir = canRun ? tempDir() : '';
  it.each(sources)('%s (clang-19 -O2 -mcpu=v4)', (source) => {
    const obj = path.join(dir, `${path.basename(source)}.o`);
    execFileSync('clang-19', [
      '-target',
      'bpf',
      '-O2',
      '-mcpu=v4',
      '-I',
      path.join(corpus, 'objects'),
      '-c',
      path.join(corpus, source),
      '-o',
      obj,
    ]);
    const sections = objectSections(readElf(new Uint8Array(readFileSync(obj))));
    const text = formatAssembly(sections);
    writeFileSync(`${obj}.s`, text);
    // Text → our assembler → our ELF writer, and text → llvm-mc-19: both give clang's code back.
    const ours = objectSections(readElf(writeAssembled(assemble(text, { fileName: `${obj}.s` }))));
    const theirs = llvmMc(text, dir, `${path.basename(source)}.mc`);
    for (const s of sections) {
      const original = s.bytes as Uint8Array;
      const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
      expect(decode(ours.find((x) => x.name === s.name)?.bytes as Uint8Array), s.name).toEqual(
        decode(original),
      );
      expect(hex(sectionBytes(theirs, s.name)), s.name).toBe(hex(original));
      const relocs = (x: typeof s) =>
        (x.relocations ?? []).map(({ offset, type, symbol }) => `${offset} ${type} ${symbol}`);
      expect(relocs(ours.find((x) => x.name === s.name) as typeof s), s.name).toEqual(relocs(s));
    }
  });
});
