/**
 * Round trips through text: asm → ELF (writeAssembled) → read → formatAssembly → asm is the
 * identity on instructions, relocations and symbols; clang-19 objects come back as the same
 * instructions from our assembler and the same bytes from llvm-mc-19.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode, type Insn } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/read-elf.js';
import { linkProgram } from '../object/link.js';
import { readObject } from '../object/read-object.js';
import { writeAssembled } from '../object/write-object.js';
import { assemble, formatAssembly, objectData, objectSections } from './index.js';
import { llvmMc, tempDir } from './tools.test-util.js';

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

  it('names a data section only when it prints it', () => {
    const code = {
      name: '.text',
      insns: [
        { kind: 'lddw' as const, source: 'imm64' as const, dst: 1, imm: 8, imm2: 0 },
        { kind: 'exit' as const },
      ],
      relocations: [{ offset: 0, type: 'R_BPF_64_64', symbol: '.bss', sectionSymbol: true }],
    };
    expect(formatAssembly([code])).toContain(
      'r1 = 0x8 ll # relocated against section .bss, which this text does not hold',
    );
    const bss = {
      name: '.bss',
      bytes: new Uint8Array(16),
      nobits: true,
      alloc: true,
      writable: true,
      symbols: [],
    };
    expect(formatAssembly([code], [bss])).toContain('\tr1 = .bss+8 ll\n');
    expect(formatAssembly([code], [bss])).toContain('\t.section\t.bss,"aw",@nobits\n\t.zero\t16\n');
  });
});

const canRun = haveTool('clang-19') && haveTool('llvm-mc-19') && haveTool('llvm-objcopy-19');

describe.skipIf(!canRun)('clang-19 objects through formatAssembly', { timeout: 120_000 }, () => {
  const sources = [
    'text/c/maps_and_calls.c',
    'text/c/arith.c',
    'objects/subprogs.c',
    'objects/loops.c',
    'objects/maps_btf.c',
    'objects/globals.c',
    'objects/legacy_maps.c',
  ];
  const dir = canRun ? tempDir() : '';
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const relocs = (s: { relocations?: readonly { offset: number; type: string; symbol: string }[] }) =>
    (s.relocations ?? []).map(({ offset, type, symbol }) => `${offset} ${type} ${symbol}`).sort();

  it.each(sources)('%s (clang-19 -O2 -g -mcpu=v4)', (source) => {
    const obj = path.join(dir, `${path.basename(source)}.o`);
    const include = path.join(corpus, 'objects');
    execFileSync('clang-19', [
      '-target',
      'bpf',
      '-O2',
      '-g',
      '-mcpu=v4',
      '-I',
      include,
      '-c',
      path.join(corpus, source),
      '-o',
      obj,
    ]);
    const elf = readElf(new Uint8Array(readFileSync(obj)));
    const sections = objectSections(elf);
    const data = objectData(elf);
    const text = formatAssembly(sections, data);
    writeFileSync(`${obj}.s`, text);

    // llvm-mc-19 turns the text back into clang's code, relocations and data.
    const mc = readElf(new Uint8Array(readFileSync(llvmMc(text, dir, `${path.basename(source)}.mc`))));
    const mcSections = objectSections(mc);
    for (const s of sections) {
      const back = mcSections.find((x) => x.name === s.name);
      expect(hex(back?.bytes ?? new Uint8Array()), s.name).toBe(hex(s.bytes as Uint8Array));
      expect(relocs(back ?? s), s.name).toEqual(relocs(s));
    }
    const mcData = objectData(mc);
    for (const d of data)
      expect(hex(mcData.find((x) => x.name === d.name)?.bytes ?? new Uint8Array()), d.name).toBe(
        hex(d.bytes),
      );

    // Our assembler reads it to clang's instructions and data (a relocated immediate stays
    // symbolic until the ELF writer folds it, so those are compared by relocation above).
    const ours = assemble(text, { fileName: `${obj}.s` });
    for (const s of sections) {
      const relocated = new Set((s.relocations ?? []).map((r) => r.offset));
      const unrelocated = (insns: readonly Insn[]) => {
        let at = 0;
        return insns.map((insn) => {
          const out = relocated.has(at) && 'imm' in insn ? { ...insn, imm: 0 } : insn;
          at += insn.kind === 'lddw' ? 16 : 8;
          return out;
        });
      };
      const mine = ours.sections.find((x) => x.name === s.name)?.insns ?? [];
      expect(unrelocated(mine), s.name).toEqual(unrelocated(decode(s.bytes as Uint8Array)));
    }
    for (const d of data)
      expect(hex(ours.data.find((x) => x.name === d.name)?.bytes ?? new Uint8Array()), d.name).toBe(
        hex(d.bytes),
      );

    // And through our ELF writer: the same code, relocations and data (maps and their BTF
    // included), so the object reads back as the same programs and maps.
    const rebuiltElf = readElf(writeAssembled(ours));
    const rebuilt = objectSections(rebuiltElf);
    for (const s of sections) {
      const back = rebuilt.find((x) => x.name === s.name);
      expect(hex(back?.bytes ?? new Uint8Array()), s.name).toBe(hex(s.bytes as Uint8Array));
      expect(relocs(back ?? s), s.name).toEqual(relocs(s));
    }
    expect(objectData(rebuiltElf).map((d) => [d.name, hex(d.bytes), d.alloc, d.writable])).toEqual(
      data.map((d) => [d.name, hex(d.bytes), d.alloc, d.writable]),
    );
    const again = readObject(writeAssembled(ours));
    const original = readObject(new Uint8Array(readFileSync(obj)));
    expect(again.maps).toEqual(original.maps);
    expect(again.btf).toEqual(original.btf);
    expect(again.programs.map((p) => linkProgram(again, p.name))).toEqual(
      original.programs.map((p) => linkProgram(original, p.name)),
    );
  });
});
