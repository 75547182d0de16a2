/**
 * CO-RE resolution as libbpf's relo_core.c does it, on objects clang-19 writes: flavors,
 * ambiguity, validation of the compiled value, type relocations of missing types, and a
 * poisoned lddw (two slots, so later instructions keep their place).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slotStarts } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import type { BtfSpec, BtfType } from './btf-types.js';
import { BtfBuilder } from './btf-write.js';
import { essentialName, POISON_HELPER } from './core-relocations.js';
import { LinkError, linkProgram } from './link.js';
import { readObject } from './read-object.js';
import type { ObjectFile } from './types.js';

const clang = haveTool('clang-19');

function clangObject(source: string): ObjectFile {
  const dir = mkdtempSync(join(tmpdir(), 'tbpf-core-'));
  writeFileSync(join(dir, 'c.c'), source);
  execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', '-c', join(dir, 'c.c'), '-o', join(dir, 'c.o')]);
  return readObject(new Uint8Array(readFileSync(join(dir, 'c.o'))));
}

const SOURCE = `
#define SEC(n) __attribute__((section(n), used))
enum color { RED = 1, GREEN = 2, BLUE = -3 };
struct s { int a; unsigned int b; } __attribute__((preserve_access_index));
struct gone { int x; };
struct { int (*type)[2]; int (*max_entries)[1]; int *key; long *value; } vals SEC(".maps");
static long (*update)(void *, const void *, const void *, unsigned long long) = (void *)2;
SEC("kprobe/p")
int p(struct s *ctx) {
  long v = __builtin_preserve_enum_value(*(enum color *)GREEN, 1);
  int k = 0;
  update(&vals, &k, &v, 0);
  return ctx->b + __builtin_preserve_type_info(*(struct gone *)0, 1);
}
`;

/** The object's own BTF with changes: `edit(types)` returns the new type list. */
function edited(obj: ObjectFile, edit: (types: BtfType[]) => BtfType[]): BtfSpec {
  return { types: edit(structuredClone(obj.btf!.types)) };
}
const named = (name: string) => (t: BtfType) => 'name' in t && t.name === name;

describe.skipIf(!clang)('CO-RE resolution (libbpf semantics) on clang-19 objects', () => {
  const obj = clang ? clangObject(SOURCE) : (undefined as unknown as ObjectFile);

  it('resolves against the own BTF: the values the compiler wrote', () => {
    const linked = linkProgram(obj, 'p');
    expect(linked.corePoisons).toBeUndefined();
    expect(linked.insns).toEqual(obj.programs[0].insns.map((i) => expect.objectContaining({ kind: i.kind })));
  });

  it('poisons a missing enumerator in both slots of its lddw; later relocations keep their instruction', () => {
    const target = edited(obj, (types) =>
      types.map((t) =>
        t.kind === 'enum' ? { ...t, values: t.values.filter((v) => v.name !== 'GREEN') } : t,
      ),
    );
    const own = linkProgram(obj, 'p');
    const linked = linkProgram(obj, 'p', { targetBtf: target });
    const at = own.insns.findIndex((i) => i.kind === 'lddw' && i.source === 'imm64');
    expect(linked.insns.slice(at, at + 2)).toEqual([
      { kind: 'call', target: 'helper', imm: POISON_HELPER },
      { kind: 'call', target: 'helper', imm: POISON_HELPER },
    ]);
    expect(linked.corePoisons).toEqual([
      {
        insnIndex: at,
        message: expect.stringMatching(
          /failed to resolve CO-RE relocation <enumval_value> \[\d+\] enum color::GREEN = 2/,
        ),
      },
    ]);
    // Same slots; the map's lddw is still a map lddw after the poisoned pair.
    const slots = (p: typeof own) => slotStarts(p.insns).at(-1);
    expect(slots(linked)).toBe(slots(own));
    expect(linked.insns.filter((i) => i.kind === 'lddw' && i.source === 'map_idx')).toHaveLength(1);
  });

  it('gives 0 for the size of a type the target lacks, and the new size of one it has', () => {
    const sizeOf = (target: BtfSpec) =>
      linkProgram(obj, 'p', { targetBtf: target }).insns.find(
        (i) => i.kind === 'alu' && i.op === 'mov' && i.source === 'imm' && i.dst === 0,
      );
    const without = edited(obj, (types) =>
      types.map((t) => (named('gone')(t) ? ({ ...t, name: 'other' } as BtfType) : t)),
    );
    const bigger = edited(obj, (types) =>
      types.map((t) => (named('gone')(t) ? ({ ...t, size: 12 } as BtfType) : t)),
    );
    expect(sizeOf(without)).toMatchObject({ imm: 0 });
    expect(sizeOf(bigger)).toMatchObject({ imm: 12 });
  });

  it('takes a flavor (s___v2) as a candidate, and refuses two candidates that disagree', () => {
    const moved = (t: BtfType): BtfType =>
      t.kind === 'struct' && t.name === 's'
        ? {
            ...t,
            name: 's___v2',
            members: t.members.map((m) => (m.name === 'b' ? { ...m, bitOffset: 64 } : m)),
          }
        : t;
    const load = (target: BtfSpec) =>
      linkProgram(obj, 'p', { targetBtf: target }).insns.find((i) => i.kind === 'ldx' && i.size === 4);
    expect(load(edited(obj, (types) => types.map(moved)))).toMatchObject({ off: 8 });
    const both = edited(obj, (types) => {
      const b = new BtfBuilder({ types });
      b.add(moved(types.find(named('s'))!));
      return b.spec.types;
    });
    expect(() => load(both)).toThrow(
      /CO-RE relo #1: <field_byte_offset> \[13\] struct s\.b \(0:1 @ offset 4\): field offset ambiguity: 64 != 32/,
    );
  });

  it('checks that the instruction holds what the local BTF says (libbpf validates before patching)', () => {
    const tampered: ObjectFile = structuredClone(obj);
    const fn = tampered.programs[0];
    const rel = (fn.coreRelocations ?? []).find((r) => r.kind === 'field_byte_offset')!;
    (fn.insns[rel.insnIndex] as { off: number }).off = 6;
    const program = tampered.functions.find((f) => f.name === 'p')!;
    program.insns = fn.insns;
    expect(() => linkProgram(tampered, 'p')).toThrow(LinkError);
    expect(() => linkProgram(tampered, 'p')).toThrow(
      /unexpected value in instruction \d+: got 6, expected 4 -> 4/,
    );
  });
});

describe('flavors', () => {
  it("strips libbpf's ___suffix", () => {
    expect(essentialName('task_struct___v2')).toBe('task_struct');
    expect(essentialName('a___b___c')).toBe('a___b');
    expect(essentialName('a____b')).toBe('a____b');
    expect(essentialName('___x')).toBe('___x');
  });
});
