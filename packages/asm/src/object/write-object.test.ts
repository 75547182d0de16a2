import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { add, branchTargets, exit, lddw, mov, R0, R1, R2 } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import {
  CORPUS_DIR,
  CORPUS_SOURCES,
  type Compiler,
  compile,
  compilerTool,
  kernelAtLeast,
  readBytes,
  run,
  writeTemp,
} from '../../test-corpus/objects/toolchain.js';
import { readElf } from '../elf/read-elf.js';
import { assemble } from '../text/assemble.js';
import { linkProgram } from './link.js';
import { ObjectBuilder } from './object-builder.js';
import { readObject } from './read-object.js';
import { MAP_TYPES, type ObjectFile } from './types.js';
import { writeAssembled, writeObject } from './write-object.js';

/** llvm-readelf -a and llvm-objdump -dr must accept the file without a warning. */
function expectToolsReadCleanly(file: string) {
  const readelf = run('llvm-readelf-19', ['-a', file]);
  expect(readelf.stderr).toBe('');
  const objdump = run('llvm-objdump-19', ['-dr', file]);
  expect(objdump.stderr).toBe('');
  return { readelf: readelf.stdout, objdump: objdump.stdout };
}

/** What a loader sees: every program linked, plus license and map definitions. */
function loadView(obj: ObjectFile) {
  return {
    license: obj.license,
    maps: obj.maps.map(({ btfKeyType: _k, btfValueType: _v, ...m }) => m),
    programs: obj.programs.map((p) => linkProgram(obj, p.name)),
  };
}

const body = (disasm: string) => disasm.split('\n').slice(2).join('\n');

describe.each<Compiler>([
  'clang-g',
  'clang',
  'clang-be',
  'gcc-btf',
])('writeObject round trip of %s objects', (compiler) => {
  const ready =
    haveTool(compilerTool(compiler)) && haveTool('llvm-readelf-19') && haveTool('llvm-objdump-19');
  it.skipIf(!ready).each(CORPUS_SOURCES)('%s', (source) => {
    const original = readObject(readBytes(compile(source, compiler)));
    const bytes = writeObject(original);
    const file = writeTemp(`${source}.${compiler}.rewritten.o`, bytes);
    const { objdump } = expectToolsReadCleanly(file);
    const again = readObject(bytes);
    const linkable = original.unsupported.length === 0;
    if (linkable) expect(loadView(again)).toEqual(loadView(original));
    expect(again.functions.map((f) => [f.name, f.section, f.global, f.funcInfo, f.lineInfo])).toEqual(
      original.functions.map((f) => [f.name, f.section, f.global, f.funcInfo, f.lineInfo]),
    );
    // Same code as the compiler's object, instruction for instruction (clang keeps variables at imm 0).
    if (compiler.startsWith('clang') && source !== 'globals.c') {
      const theirs = run('llvm-objdump-19', ['-d', compile(source, compiler)]).stdout;
      expect(body(run('llvm-objdump-19', ['-d', file]).stdout)).toBe(body(theirs));
    }
    expect(objdump).toContain('file format elf64-bpf');
  });
});

describe('BTF line info written by us is what llvm-objdump -S prints', () => {
  const ready = haveTool('clang-19') && haveTool('llvm-objdump-19') && haveTool('llvm-objcopy-19');
  it.skipIf(!ready).each(['subprogs.c', 'loops.c', 'maps_btf.c'])('%s', (source) => {
    const file = compile(source, 'clang-g');
    const stripped = `${file}.nodebug.o`;
    run('llvm-objcopy-19', ['--strip-debug', file, stripped]);
    const ours = writeTemp(`${source}.btf-rewritten.o`, writeObject(readObject(readBytes(file))));
    const want = body(run('llvm-objdump-19', ['-S', stripped]).stdout);
    expect(want).toMatch(/^; /m); // the oracle does print source lines
    expect(body(run('llvm-objdump-19', ['-S', ours]).stdout)).toBe(want);
  });
});

describe('ObjectBuilder and writeAssembled', () => {
  const ready = haveTool('llvm-readelf-19') && haveTool('llvm-objdump-19');

  it.skipIf(!ready)('writes maps with BTF, global data, line info and calls that read back and link', () => {
    const b = new ObjectBuilder();
    const u32 = b.btf.int('unsigned int', 4);
    const u64 = b.btf.int('unsigned long long', 8);
    b.addMap({
      name: 'counts',
      type: MAP_TYPES.hash,
      keySize: 4,
      valueSize: 8,
      maxEntries: 128,
      btfKeyType: u32,
      btfValueType: u64,
    });
    b.addMap({
      name: 'legacy',
      type: MAP_TYPES.array,
      keySize: 4,
      valueSize: 16,
      maxEntries: 2,
      style: 'legacy',
    });
    b.addData('.rodata', new Uint8Array([1, 2, 3, 4]), { name: 'consts' });
    b.addData('.bss', 16, { name: 'scratch' });
    const proto = b.btf.funcProto(u64, []);
    const fn = b.btf.func('prog', proto);
    b.addFunction('prog', 'kprobe/x', [
      lddw(R1, 0n),
      lddw(R2, 0n),
      { kind: 'call', target: 'local', imm: -1 },
      add.reg(R0, R1),
      exit(),
    ]);
    b.addFunction('helper', '.text', [mov.imm(R0, 7), exit()], { global: false });
    b.addRelocation('kprobe/x', 0, 'counts');
    b.addRelocation('kprobe/x', 1, '.rodata', { sectionSymbol: true });
    b.addRelocation('kprobe/x', 2, '.text', { sectionSymbol: true });
    b.addFuncInfo('kprobe/x', 0, fn);
    b.addLineInfo('kprobe/x', 0, { file: 'x.c', source: 'int prog(void) {', line: 3, column: 1 });
    b.license = 'GPL';
    const bytes = b.build();
    expect(b.build()).toEqual(bytes); // build() leaves the builder as it was
    const { readelf, objdump } = expectToolsReadCleanly(writeTemp('builder.o', bytes));
    expect(readelf).toMatch(/R_BPF_64_64 +0+ counts/);
    expect(objdump).toContain('<prog>:');
    const obj = readObject(bytes);
    expect(obj.maps.map((m) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries, m.origin])).toEqual(
      [
        ['counts', 'hash', 4, 8, 128, 'btf'],
        ['legacy', 'array', 4, 16, 2, 'legacy'],
        ['.rodata', 'array', 4, 4, 1, 'global-data'],
        ['.bss', 'array', 4, 16, 1, 'global-data'],
      ],
    );
    const linked = linkProgram(obj, 'prog');
    expect(linked.functionStarts).toEqual([
      { name: 'prog', insnIndex: 0 },
      { name: 'helper', insnIndex: 5 },
    ]);
    // the call is in slot 4 (after two lddw), helper starts at slot 7: 7 - (4 + 1) = 2
    expect(linked.insns[2]).toEqual({ kind: 'call', target: 'local', imm: 2 });
    expect(linked.maps.map((m) => m.name)).toEqual(['counts', '.rodata']);
    expect(linked.lineInfo).toEqual([
      { insnIndex: 0, file: 'x.c', source: 'int prog(void) {', line: 3, column: 1 },
    ]);
    expect(linked.funcInfo).toEqual([{ insnIndex: 0, typeId: fn, name: 'prog' }]);
  });

  it.skipIf(!ready)('turns assembler output (sections, symbols, relocations) into an object', () => {
    const bytes = writeAssembled(
      {
        sections: [
          { name: 'xdp', insns: [lddw(R1, 0n), { kind: 'call', target: 'local', imm: -1 }, exit()] },
          { name: '.text', insns: [mov.imm(R0, 2), exit()] },
        ],
        symbols: [
          { name: 'entry', section: 'xdp', offset: 0, size: 32, binding: 'global', type: 'func' },
          { name: 'sub', section: '.text', offset: 0, size: 16, binding: 'global', type: 'func' },
        ],
        relocations: [
          { section: 'xdp', index: 0, symbol: 'table' },
          { section: 'xdp', index: 1, symbol: 'sub' },
        ],
      },
      {
        license: 'MIT',
        maps: [{ name: 'table', type: MAP_TYPES.array, keySize: 4, valueSize: 4, maxEntries: 1 }],
      },
    );
    const { readelf } = expectToolsReadCleanly(writeTemp('assembled.o', bytes));
    expect(readelf).toMatch(/R_BPF_64_32 +0+ sub/);
    const obj = readObject(bytes);
    expect(obj.license).toBe('MIT');
    const p = linkProgram(obj, 'entry');
    expect(p.insns).toEqual([
      { kind: 'lddw', source: 'map_idx', dst: R1, imm: 0, imm2: 0 },
      { kind: 'call', target: 'local', imm: 1 },
      exit(),
      mov.imm(R0, 2),
      exit(),
    ]);
  });
});

describe('CO-RE relocations written by ObjectBuilder', () => {
  it('read back as the same records (struct bpf_core_relo in .BTF.ext)', () => {
    const b = new ObjectBuilder();
    const int = b.btf.int('int', 4, true);
    const task = b.btf.struct('task_struct', 16, [
      { name: 'flags', type: int, offset: 0 },
      { name: 'pid', type: int, offset: 4 },
    ]);
    b.btf.func('prog', b.btf.funcProto(int, []));
    b.addFunction('prog', 'kprobe/x', [lddw(R1, 0n), mov.imm(R0, 4), add.reg(R0, R1), exit()]);
    b.addCoreRelocation('kprobe/x', 1, { typeId: task, accessString: '0:1', kind: 0 });
    b.addCoreRelocation('kprobe/x', 2, { typeId: task, accessString: '0:0', kind: 2 });
    const obj = readObject(b.build());
    expect(obj.programs[0].coreRelocations).toEqual([
      { insnIndex: 1, typeId: task, accessString: '0:1', kind: 'field_byte_offset' },
      { insnIndex: 2, typeId: task, accessString: '0:0', kind: 'field_exists' },
    ]);
  });
});

describe("the kernel's BTF checker accepts our BTF (bpf(BPF_BTF_LOAD); skipped without privileges)", () => {
  const script = path.join(CORPUS_DIR, 'btf_load.py');
  const canLoad = (() => {
    if (process.arch !== 'x64' || !kernelAtLeast(6, 1) || !haveTool('python3') || !haveTool('clang-19'))
      return false;
    const r = spawnSync('python3', [script, compile('maps_btf.c', 'clang-g')], { encoding: 'utf8' });
    return r.status !== 2; // 2: bpf(2) not permitted / not available
  })();
  const load = (file: string) => spawnSync('python3', [script, file], { encoding: 'utf8' }).stdout.trim();

  it.skipIf(!canLoad).each(CORPUS_SOURCES)('rewritten clang -g object: %s', (source) => {
    const obj = readObject(readBytes(compile(source, 'clang-g')));
    expect(load(writeTemp(`${source}.kernel-btf.o`, writeObject(obj)))).toBe('OK');
  });

  it.skipIf(!canLoad)('ObjectBuilder output with maps, functions, variables and global data', () => {
    const b = new ObjectBuilder();
    const u32 = b.btf.int('unsigned int', 4);
    const u64 = b.btf.int('unsigned long long', 8);
    const ev = b.btf.struct('event', 16, [
      { name: 'ts', type: u64, offset: 0 },
      { name: 'pid', type: u32, offset: 8 },
    ]);
    b.addMap({
      name: 'events',
      type: MAP_TYPES.hash,
      keySize: 4,
      valueSize: 16,
      maxEntries: 8,
      btfKeyType: u32,
      btfValueType: ev,
    });
    b.addMap({ name: 'plain', type: MAP_TYPES.array, keySize: 4, valueSize: 8, maxEntries: 4 });
    const ctx = b.btf.ptr(0);
    b.btf.func('prog', b.btf.funcProto(u32, [{ name: 'ctx', type: ctx }]));
    b.addData('.data', new Uint8Array(8), { name: 'counter' });
    b.addFunction('prog', 'kprobe/x', [mov.imm(R0, 0), exit()]);
    b.license = 'GPL';
    expect(load(writeTemp('builder.kernel-btf.o', b.build()))).toBe('OK');
  });
});

describe('hand-written code without function symbols', () => {
  it('reads a .globl-only entry as a program, and a section without symbols as one named after it', () => {
    const labelled = writeAssembled({
      sections: [{ name: 'socket', insns: [mov.imm(R0, 1), exit()] }],
      symbols: [{ name: 'entry', section: 'socket', offset: 0, size: 0, binding: 'global', type: 'notype' }],
      relocations: [],
    });
    expect(readObject(labelled).programs.map((p) => [p.name, p.insns.length])).toEqual([['entry', 2]]);
    const bare = writeAssembled({
      sections: [{ name: 'xdp', insns: [exit()] }],
      symbols: [],
      relocations: [],
    });
    expect(readObject(bare).programs.map((p) => p.name)).toEqual(['xdp']);
  });
});

describe('assembler output written by writeAssembled equals llvm-mc-19 -filetype=obj', () => {
  const ready = haveTool('llvm-mc-19') && haveTool('llvm-readelf-19');
  const dir = path.join(CORPUS_DIR, 'asm');
  const files = readdirSync(dir).filter((f) => f.endsWith('.s'));

  /** Sections by name with their bytes, symbols and relocations by name: layout-independent. */
  function view(bytes: Uint8Array) {
    const elf = readElf(bytes);
    const code = elf.sections.filter((s) => (s.flags & 4) !== 0 && s.size > 0);
    return {
      code: Object.fromEntries(code.map((s) => [s.name, [...s.data]])),
      symbols: elf.symbols
        .filter((s) => s.index > 0 && s.type !== 3 && s.type !== 4)
        .map((s) => [s.name, s.value, s.size, s.bind, s.type, elf.sections[s.shndx]?.name ?? 'UND'])
        .sort(),
      relocations: elf.relocations
        .flatMap((r) =>
          r.entries.map((e) => [elf.sections[r.target].name, e.offset, e.type, elf.symbols[e.symbol].name]),
        )
        .sort(),
    };
  }

  const cases = files.flatMap((f) => [
    [f, 'little'],
    [f, 'big'],
  ]) as [string, 'little' | 'big'][];
  it.skipIf(!ready).each(cases)('%s (%s-endian)', (file, endian) => {
    const source = path.join(dir, file);
    const ours = writeAssembled(assemble(readFileSync(source, 'utf8'), { syntax: 'llvm', fileName: file }), {
      endian,
    });
    const theirs = `${writeTemp(`${file}.${endian}.llvm-mc.o`, new Uint8Array(0))}`;
    const triple = endian === 'little' ? 'bpfel' : 'bpfeb';
    run('llvm-mc-19', ['-triple', triple, '-mcpu=v4', '-filetype=obj', source, '-o', theirs]);
    expectToolsReadCleanly(writeTemp(`${file}.${endian}.ours.o`, ours));
    expect(view(ours)).toEqual(view(readBytes(theirs)));
    // And, when self-contained (no undefined map names), every program links with its calls
    // landing on function starts.
    const obj = readObject(ours);
    for (const p of obj.unsupported.length === 0 ? obj.programs : []) {
      const linked = linkProgram(obj, p.name);
      const starts = new Set(linked.functionStarts.map((f) => f.insnIndex));
      branchTargets(linked.insns).forEach((t, i) => {
        const insn = linked.insns[i];
        if (insn.kind === 'call' && insn.target === 'local') expect(t?.ok && starts.has(t.index)).toBe(true);
      });
    }
  });
});
