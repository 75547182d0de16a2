import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { branchTargets, encode, exit, type Insn, lddw, mov, R0, R1, slotStarts } from '@tbpf/isa';
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
} from '../../test-corpus/objects/toolchain.js';
import { readElf } from '../elf/read-elf.js';
import type { BtfSpec, BtfType } from './btf-types.js';
import { POISON_HELPER } from './core-relocations.js';
import { BUILTIN_HELPERS, LinkError, linkProgram } from './link.js';
import { ObjectBuilder } from './object-builder.js';
import { readObject } from './read-object.js';
import { type LinkedProgram, MAP_TYPES } from './types.js';
import { writeObject } from './write-object.js';

/** `caller -> callee` for every local call, resolved through the linked offsets. */
function callGraph(p: LinkedProgram): string[] {
  const targets = branchTargets(p.insns);
  const fnAt = (i: number) => [...p.functionStarts].reverse().find((f) => f.insnIndex <= i)!.name;
  const edges = new Set<string>();
  p.insns.forEach((insn, i) => {
    if (insn.kind !== 'call' || insn.target !== 'local') return;
    const t = targets[i];
    if (!t?.ok) throw new Error(`call at ${i} does not resolve`);
    const callee = p.functionStarts.find((f) => f.insnIndex === t.index);
    edges.add(`${fnAt(i)}->${callee ? callee.name : `<middle of a function at ${t.index}>`}`);
  });
  return [...edges].sort();
}

describe.each<Compiler>(['clang-g', 'gcc-btf', 'clang-be'])('linkProgram on %s objects', (compiler) => {
  const ready = haveTool(compilerTool(compiler));

  it.skipIf(!ready)('appends reachable sub-programs once and points every call at a function start', () => {
    const obj = readObject(readBytes(compile('subprogs.c', compiler)));
    const a = linkProgram(obj, 'prog_a');
    expect(a.functionStarts.map((f) => f.name)).toEqual(['prog_a', 'add_total', 'mix']);
    expect(callGraph(a)).toEqual(['add_total->mix', 'prog_a->add_total']);
    const a2 = linkProgram(obj, 'prog_a2');
    expect(a2.functionStarts.map((f) => f.name)).toEqual(['prog_a2', 'mix']);
    expect(callGraph(a2)).toEqual(['prog_a2->mix']);
    expect(a.maps.map((m) => m.name)).toEqual(['totals']);
    expect(a2.maps).toEqual([]);
    expect(a.license).toBe('GPL');
    const lookup = a.insns.find((i) => i.kind === 'lddw');
    expect(lookup).toMatchObject({ kind: 'lddw', source: 'map_idx', imm: 0, imm2: 0 });
  });

  it.skipIf(!ready)('rewrites global-data references to map_idx_value with the variable offset', () => {
    const obj = readObject(readBytes(compile('globals.c', compiler)));
    const p = linkProgram(obj, 'filter_len');
    const refs = p.insns.filter((i) => i.kind === 'lddw');
    expect(refs.length).toBe(5);
    for (const r of refs) {
      expect(r).toMatchObject({ source: 'map_idx_value' });
      if (r.kind !== 'lddw') continue;
      const map = p.maps[r.imm];
      expect(map.origin).toBe('global-data');
      expect(r.imm2).toBeGreaterThanOrEqual(0);
      expect(r.imm2).toBeLessThan(map.valueSize);
    }
  });

  it.skipIf(!ready)('remaps line info to the linked instruction indices', () => {
    if (compiler === 'gcc-btf') return; // GCC's -gbtf emits no line info
    const obj = readObject(readBytes(compile('subprogs.c', compiler)));
    const a = linkProgram(obj, 'prog_a');
    const mixStart = a.functionStarts.find((f) => f.name === 'mix')!.insnIndex;
    const mixLines = a.lineInfo.filter((l) => l.insnIndex >= mixStart);
    expect(mixLines[0].source).toContain('mix(__u64 a, __u64 b)');
    expect(mixLines.some((l) => l.source.includes('return (a * 31) ^ (b >> 3)'))).toBe(true);
    expect(
      a.lineInfo.filter((l) => l.insnIndex < mixStart).every((l) => !l.source.includes('(a * 31)')),
    ).toBe(true);
    expect(a.funcInfo.map((f) => [f.name, f.insnIndex])).toEqual(
      a.functionStarts.map((f) => [f.name, f.insnIndex]),
    );
  });
});

describe('linkProgram with a callback', () => {
  it.skipIf(!haveTool('clang-19'))(
    'turns `lddw rX, &fn` into code_addr pointing at the appended function',
    () => {
      const obj = readObject(readBytes(compile('callbacks.c', 'clang-g')));
      const p = linkProgram(obj, 'sum_loop');
      expect(p.functionStarts.map((f) => f.name)).toEqual(['sum_loop', 'step']);
      const at = p.insns.findIndex((i) => i.kind === 'lddw' && i.source === 'code_addr');
      const ref = p.insns[at];
      if (ref.kind !== 'lddw') throw new Error('no code_addr lddw');
      // The kernel's BPF_PSEUDO_FUNC rule: target slot = slot of the lddw + imm + 1.
      const slots = p.insns.slice(0, at).reduce((n, i) => n + (i.kind === 'lddw' ? 2 : 1), 0);
      const stepSlot = p.insns
        .slice(0, p.functionStarts[1].insnIndex)
        .reduce((n, i) => n + (i.kind === 'lddw' ? 2 : 1), 0);
      expect(slots + ref.imm + 1).toBe(stepSlot);
    },
  );
});

describe('scale', () => {
  it('reads and links 3,000 chained sub-programs with as many map references', () => {
    const b = new ObjectBuilder();
    b.addMap({ name: 'm', type: MAP_TYPES.array, keySize: 4, valueSize: 8, maxEntries: 1 });
    const n = 3000;
    b.addFunction('entry', 'kprobe/scale', [{ kind: 'call', target: 'local', imm: -1 }, exit()]);
    b.addRelocation('kprobe/scale', 0, 'f0');
    for (let i = 0; i < n; i++) {
      const first = b.addFunction(
        `f${i}`,
        '.text',
        [lddw(R1, 0n), { kind: 'call', target: 'local', imm: -1 }, exit()],
        {
          global: i % 2 === 0,
        },
      );
      b.addRelocation('.text', first, 'm');
      // The last one calls back to f0: a cycle, and still each function is appended once.
      b.addRelocation('.text', first + 1, `f${(i + 1) % n}`);
    }
    const obj = readObject(b.build());
    expect(obj.functions.length).toBe(n + 1);
    const p = linkProgram(obj, 'entry');
    expect(p.functionStarts.length).toBe(n + 1);
    expect(p.maps.map((m) => m.name)).toEqual(['m']);
    expect(callGraph(p).length).toBe(n + 1);
  }, 60_000);
});

describe('objects from any era', () => {
  it('turns calls of an undefined memset/memcpy/memmove into tbpf builtin helper calls', () => {
    const b = new ObjectBuilder();
    const call = { kind: 'call', target: 'local', imm: -1 } as const;
    b.addFunction('p', 'kprobe/x', [call, call, call, exit()]);
    b.addRelocation('kprobe/x', 0, 'memset');
    b.addRelocation('kprobe/x', 1, 'memcpy');
    b.addRelocation('kprobe/x', 2, 'memmove');
    const p = linkProgram(readObject(b.build()), 'p');
    expect(p.insns.slice(0, 3)).toEqual([
      { kind: 'call', target: 'helper', imm: BUILTIN_HELPERS.memset },
      { kind: 'call', target: 'helper', imm: BUILTIN_HELPERS.memcpy },
      { kind: 'call', target: 'helper', imm: BUILTIN_HELPERS.memmove },
    ]);
  });

  it('still refuses other undefined functions, naming them', () => {
    const b = new ObjectBuilder();
    b.addFunction('p', 'kprobe/x', [{ kind: 'call', target: 'local', imm: -1 }, exit()]);
    b.addRelocation('kprobe/x', 0, 'strlen');
    expect(() => linkProgram(readObject(b.build()), 'p')).toThrow(/unresolved reference to 'strlen'/);
  });

  it('links any function of the object as an entry, .text ones included', () => {
    const b = new ObjectBuilder();
    b.addFunction('entry', 'xdp', [mov.imm(R0, 2), exit()]);
    b.addFunction('helper', '.text', [mov.imm(R0, 1), exit()], { global: true });
    const obj = readObject(b.build());
    const fn = obj.functions.find((f) => f.name === 'helper')!;
    expect(linkProgram(obj, fn)).toMatchObject({ name: 'helper', section: '.text' });
  });
});

describe('linkProgram errors', () => {
  const clang = haveTool('clang-19');
  it('reports an edited spec whose relocation points past the function as a LinkError', () => {
    const b = new ObjectBuilder();
    b.addMap({ name: 'm', type: MAP_TYPES.array, keySize: 4, valueSize: 4, maxEntries: 1 });
    b.addFunction('p', 'xdp', [lddw(R1, 0n), exit()]);
    b.addRelocation('xdp', 0, 'm');
    const obj = readObject(b.build());
    obj.programs[0].relocations[0].insnIndex = 7;
    expect(() => linkProgram(obj, 'p')).toThrow(
      /function 'p', instruction 7: relocation of instruction 7, past the end/,
    );
  });

  it.skipIf(!clang)('names an unknown program and lists the known ones', () => {
    const obj = readObject(readBytes(compile('subprogs.c', 'clang-g')));
    expect(() => linkProgram(obj, 'nope')).toThrow(LinkError);
    expect(() => linkProgram(obj, 'nope')).toThrow(/programs: prog_a, prog_a2, prog_b/);
  });
  it.skipIf(!clang)(
    'resolves CO-RE relocations: its own BTF by default, a target where the field moved',
    () => {
      const obj = readObject(readBytes(compile('core.c', 'clang-g')));
      const [rel] = obj.programs[0].coreRelocations ?? [];
      const load = (p: LinkedProgram) => p.insns[rel.insnIndex] as { off: number };
      expect(load(linkProgram(obj, 'read_tgid')).off).toBe(4);
      const int = {
        kind: 'int',
        name: 'int',
        size: 4,
        bits: 32,
        offset: 0,
        signed: true,
        char: false,
        bool: false,
      } as const;
      const moved: BtfSpec = {
        types: [
          { kind: 'void', name: '' },
          int,
          {
            kind: 'struct',
            name: 'task_struct',
            size: 24,
            members: [
              { name: 'state', type: 1, bitOffset: 0, bitSize: 0 },
              { name: 'tgid', type: 1, bitOffset: 128, bitSize: 0 },
              { name: 'pid', type: 1, bitOffset: 160, bitSize: 0 },
            ],
          },
        ],
      };
      expect(load(linkProgram(obj, 'read_tgid', { targetBtf: moved })).off).toBe(16);
      // A target without the field: the instruction is poisoned, as libbpf does.
      const gone: BtfSpec = { types: [moved.types[0], int, { ...moved.types[2], members: [] } as BtfType] };
      expect(linkProgram(obj, 'read_tgid', { targetBtf: gone }).insns[rel.insnIndex]).toEqual({
        kind: 'call',
        target: 'helper',
        imm: POISON_HELPER,
      });
    },
  );
  it.skipIf(!clang)('refuses maps whose definition is unknown (no BTF)', () => {
    const obj = readObject(readBytes(compile('maps_btf.c', 'clang')));
    expect(() => linkProgram(obj, 'count_calls')).toThrow(/map 'counts' has no definition/);
  });
});

/** Load through bpf(2) with the kernel's verifier (test-corpus/objects/prog_load.py). */
function kernelLoad(
  insns: Insn[],
  maps: LinkedProgram['maps'],
  license = 'GPL',
  btf?: { bytes: Uint8Array; funcInfo: LinkedProgram['funcInfo'] },
): { status: number | null; out: string } {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const starts = slotStarts(insns);
  const spec = {
    ...(btf
      ? { btf: hex(btf.bytes), func_info: btf.funcInfo.map((f) => [starts[f.insnIndex], f.typeId]) }
      : {}),
    insns: hex(encode(insns)),
    license,
    prog_type: 2, // BPF_PROG_TYPE_KPROBE: the corpus reads a pt_regs context
    maps: maps.map((m) => ({
      type: m.type,
      key: m.keySize,
      value: m.valueSize,
      max: m.maxEntries,
      flags: m.flags,
      data: m.initialData ? hex(m.initialData) : null,
      frozen: !!m.readOnly,
    })),
  };
  const r = spawnSync('python3', [path.join(CORPUS_DIR, 'prog_load.py')], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describe("linked programs pass the kernel's verifier (bpf(BPF_PROG_LOAD); skipped without privileges)", () => {
  const canLoad =
    process.arch === 'x64' &&
    kernelAtLeast(6, 1) &&
    haveTool('python3') &&
    kernelLoad([mov.imm(R0, 0), exit()], []).status === 0;
  const cases = (['clang-g', 'gcc-btf'] as Compiler[]).flatMap((c) =>
    CORPUS_SOURCES.map((s) => [c, s] as const),
  );
  it.skipIf(!canLoad).each(cases)('%s %s', (compiler, source) => {
    if (!haveTool(compilerTool(compiler))) return;
    // GCC's -gbtf writes no .BTF.ext func_info, which the kernel requires for callbacks; and
    // GCC turns the byte loop into a pointer walk the verifier cannot bound (its code, not ours).
    if (compiler === 'gcc-btf' && (source === 'callbacks.c' || source === 'loops.c')) return;
    const obj = readObject(readBytes(compile(source, compiler)));
    // Our rewritten object's .BTF carries libbpf's fixups; its type ids are the original ones.
    const btfSection = readElf(writeObject(obj)).sections.find((s) => s.name === '.BTF');
    for (const p of obj.programs) {
      const linked = linkProgram(obj, p.name);
      const btf =
        btfSection && linked.funcInfo.length > 0
          ? { bytes: btfSection.data, funcInfo: linked.funcInfo }
          : undefined;
      expect(kernelLoad(linked.insns, linked.maps, linked.license, btf), `${p.name}`).toEqual({
        status: 0,
        out: 'OK',
      });
    }
  });
});
