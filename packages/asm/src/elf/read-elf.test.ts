import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import {
  CORPUS_SOURCES,
  type Compiler,
  compile,
  compilerTool,
  readBytes,
  run,
} from '../../test-corpus/objects/toolchain.js';
import { ElfError } from './errors.js';
import { type ElfFile, readElf } from './read-elf.js';

interface ReadelfJson {
  Sections: {
    Section: {
      Index: number;
      Name: { Name: string };
      Type: { Value: number };
      Flags: { Value: number };
      Offset: number;
      Size: number;
      Link: number;
      Info: number;
      AddressAlignment: number;
      EntrySize: number;
    };
  }[];
  Symbols: {
    Symbol: {
      Name: { Name: string };
      Value: number;
      Size: number;
      Binding: { Value: number };
      Type: { Value: number };
      Section: { Value: number };
    };
  }[];
  Relocations: {
    SectionIndex: number;
    Relocs: { Relocation: { Offset: number; Type: { Value: number }; Symbol: { Name: string } } }[];
  }[];
}

/** llvm-readelf's view of sections, symbols and relocations. */
function readelfView(file: string) {
  const [json] = JSON.parse(
    run('llvm-readelf-19', ['--elf-output-style=JSON', '-S', '-s', '-r', file]).stdout,
  ) as ReadelfJson[];
  return {
    sections: json.Sections.map(({ Section: s }) => [
      s.Index,
      s.Name.Name,
      s.Type.Value,
      s.Flags.Value,
      s.Offset,
      s.Size,
      s.Link,
      s.Info,
      s.AddressAlignment,
      s.EntrySize,
    ]),
    symbols: (json.Symbols ?? []).map(({ Symbol: s }) => [
      s.Name.Name,
      s.Value,
      s.Size,
      s.Binding.Value,
      s.Type.Value,
      s.Section.Value,
    ]),
    relocations: (json.Relocations ?? []).map((r) => [
      r.SectionIndex,
      r.Relocs.map(({ Relocation: e }) => [e.Offset, e.Type.Value, e.Symbol.Name]),
    ]),
  };
}

/** Our reader's view in the same shape. */
function ourView(elf: ElfFile) {
  return {
    sections: elf.sections.map((s) => [
      s.index,
      s.name,
      s.type,
      s.flags,
      s.offset,
      s.size,
      s.link,
      s.info,
      s.addralign,
      s.entsize,
    ]),
    symbols: elf.symbols.map((s) => [s.name, s.value, s.size, s.bind, s.type, s.shndx]),
    relocations: elf.relocations.map((r) => [
      r.section.index,
      r.entries.map((e) => [e.offset, e.type, elf.symbols[e.symbol].name]),
    ]),
  };
}

const COMPILERS: Compiler[] = ['clang', 'clang-g', 'clang-be', 'gcc', 'gcc-btf'];

describe.each(COMPILERS)('readElf agrees with llvm-readelf-19 on %s objects', (compiler) => {
  const ready = haveTool('llvm-readelf-19') && haveTool(compilerTool(compiler));
  it.skipIf(!ready).each(CORPUS_SOURCES)('%s', (source) => {
    const file = compile(source, compiler);
    const elf = readElf(readBytes(file));
    expect(elf.endian).toBe(compiler === 'clang-be' ? 'big' : 'little');
    expect(ourView(elf)).toEqual(readelfView(file));
  });
});

it.skipIf(!haveTool('clang-19'))('reads EM_NONE objects as old LLVM wrote them', () => {
  const bytes = readBytes(compile('subprogs.c', 'clang'));
  const old = Object.assign(bytes.slice(), { 18: 0, 19: 0 });
  expect(readElf(old).machine).toBe(0);
  expect(readElf(old).sections.map((s) => s.name)).toEqual(readElf(bytes).sections.map((s) => s.name));
});

describe('readElf rejects malformed input with ElfError', () => {
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /too short/],
    ['bad magic', (b) => Object.assign(b.slice(), { 0: 0 }), /bad magic/],
    ['32-bit class', (b) => Object.assign(b.slice(), { 4: 1 }), /ELFCLASS64/],
    ['wrong machine', (b) => Object.assign(b.slice(), { 18: 62 }), /EM_BPF/],
    ['truncated', (b) => b.slice(0, b.length - 100), /past the end/],
  ];
  const ready = haveTool('clang-19');
  it.skipIf(!ready).each(cases)('%s', (_, mutate, message) => {
    const bytes = readBytes(compile('subprogs.c', 'clang'));
    expect(() => readElf(mutate(bytes))).toThrow(ElfError);
    expect(() => readElf(mutate(bytes))).toThrow(message);
  });
});
