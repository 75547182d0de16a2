import { readFileSync } from 'node:fs';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { type Compiler, compile, compilerTool, readBytes } from '../../test-corpus/objects/toolchain.js';
import { ElfError } from '../elf/errors.js';
import { readObject } from './read-object.js';
import type { MapSpec } from './types.js';

const pick = (m: MapSpec) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries, m.flags, m.origin];

// The C sources in test-corpus/objects are the oracle: these are the maps they declare.
const BTF_MAPS = [
  ['counts', 'hash', 4, 8, 1024, 0, 'btf'],
  ['events', 'lru_hash', 8, 16, 64, 2, 'btf'],
  ['config', 'array', 4, 4, 4, 0, 'btf'],
  ['ring', 'ringbuf', 0, 0, 4096, 0, 'btf'],
  ['perf', 'perf_event_array', 4, 4, 64, 0, 'btf'], // __uint(key_size, …) / __uint(value_size, …)
];

describe.each<Compiler>(['clang-g', 'clang-be', 'gcc-btf'])('readObject on %s objects', (compiler) => {
  const ready = haveTool(compilerTool(compiler));

  it.skipIf(!ready)('reads BTF-defined maps (type, key/value size, max entries, flags)', () => {
    const obj = readObject(readBytes(compile('maps_btf.c', compiler)));
    expect(obj.maps.map(pick).sort()).toEqual([...BTF_MAPS].sort());
    expect(obj.programs.map((p) => [p.name, p.section])).toEqual([
      ['count_calls', 'kprobe/count'],
      ['record_event', 'kprobe/event'],
    ]);
    expect(obj.license).toBe('GPL');
    const refs = obj.programs.flatMap((p) => p.relocations.map((r) => `${p.name}:${r.kind}:${r.symbol}`));
    expect(new Set(refs)).toEqual(
      new Set(['count_calls:map:counts', 'record_event:map:config', 'record_event:map:events']),
    );
    expect(obj.unsupported).toEqual([]);
  });

  it.skipIf(!ready)(
    'turns .data/.rodata/.bss into global-data array maps with their initial contents',
    () => {
      const obj = readObject(readBytes(compile('globals.c', compiler)));
      const data = obj.maps.filter((m) => m.origin === 'global-data');
      const rodataStr = data.find((m) => m.name.startsWith('.rodata.str'))!;
      expect(rodataStr.readOnly).toBe(true);
      expect(new TextDecoder().decode(rodataStr.initialData!)).toContain('long packet %llu\n');
      const bss = data.find((m) => m.name === '.bss')!;
      expect(bss.initialData!.every((b) => b === 0)).toBe(true);
      for (const m of data) {
        expect([m.typeName, m.keySize, m.maxEntries, m.valueSize]).toEqual([
          'array',
          4,
          1,
          m.initialData!.length,
        ]);
      }
      // Read from a Node Buffer (whose slice is a view) too: each map owns its bytes, it does not
      // keep the whole file alive.
      const fromBuffer = readObject(readFileSync(compile('globals.c', compiler)));
      for (const m of fromBuffer.maps.filter((m) => m.origin === 'global-data'))
        expect(m.initialData!.buffer.byteLength, m.name).toBe(m.initialData!.length);
      expect(obj.license).toBe('Dual MIT/GPL');
      // Every global-data reference points inside its section; `seen` (= 7) is a u64 in .data.
      const [prog] = obj.programs;
      const seen = prog.relocations.find((r) => r.symbol === 'seen')!;
      const dataMap = data.find((m) => m.section === seen.section)!;
      const view = new DataView(dataMap.initialData!.buffer, dataMap.initialData!.byteOffset);
      expect(view.getBigUint64(seen.offset, compiler !== 'clang-be')).toBe(7n);
    },
  );

  it.skipIf(!ready)('finds several functions per section, .text sub-programs and BPF-to-BPF calls', () => {
    const obj = readObject(readBytes(compile('subprogs.c', compiler)));
    expect(obj.programs.map((p) => `${p.section}/${p.name}`)).toEqual([
      'kprobe/a/prog_a',
      'kprobe/a/prog_a2',
      'kprobe/b/prog_b',
    ]);
    expect(
      obj.functions
        .filter((f) => f.section === '.text')
        .map((f) => f.name)
        .sort(),
    ).toEqual(['add_total', 'mix']);
    const calls = obj.functions.flatMap((f) =>
      f.relocations.filter((r) => r.kind === 'call').map((r) => `${f.name}->${r.symbol}`),
    );
    expect(new Set(calls)).toEqual(
      new Set(['prog_a->add_total', 'prog_a2->mix', 'prog_b->add_total', 'add_total->mix']),
    );
  });
});

describe('readObject details', () => {
  const clang = haveTool('clang-19');

  it.skipIf(!clang)('reads the legacy maps section (struct bpf_map_def) and the version section', () => {
    const obj = readObject(readBytes(compile('legacy_maps.c', 'clang')));
    expect(obj.maps.map(pick)).toEqual([
      ['pkt_count', 'hash', 4, 8, 256, 0, 'legacy'],
      ['per_cpu', 'percpu_array', 4, 16, 2, 0, 'legacy'],
    ]);
    expect(obj.kernelVersion).toBe(0x050a00);
  });

  it.skipIf(!clang)(
    'gives maps of maps their inner-map template (BTF __array(values), legacy inner_map_idx)',
    () => {
      const obj = readObject(readBytes(compile('map_in_map.c', 'clang-g')));
      const byName = new Map(obj.maps.map((m) => [m.name, m]));
      const template = byName.get('outer')?.inner;
      expect(template && pick(template)).toEqual(['outer.inner', 'array', 4, 8, 4, 0, 'btf']);
      expect(byName.get('legacy_outer')!.inner).toBe(byName.get('legacy_inner'));
      expect(byName.get('legacy_inner')!.inner).toBeUndefined();
    },
  );

  it.skipIf(!clang)(
    'attaches .BTF.ext func_info and line_info with file, line, column and source text',
    () => {
      const obj = readObject(readBytes(compile('loops.c', 'clang-g')));
      const [prog] = obj.programs;
      expect(prog.funcInfo).toEqual([{ insnIndex: 0, typeId: expect.any(Number), name: 'sum_bytes' }]);
      expect(prog.lineInfo.length).toBeGreaterThan(3);
      const loop = prog.lineInfo.find((l) => l.source.includes('if (c == 0)'))!;
      expect(loop.file).toMatch(/loops\.c$/);
      expect(loop.line).toBe(13); // loops.c line 13
      expect(loop.column).toBeGreaterThan(0);
    },
  );

  it.skipIf(!clang)('finds the spin lock and timer in a map value by its BTF', () => {
    const obj = readObject(readBytes(compile('spin_lock.c', 'clang-g')));
    expect(obj.maps.find((m) => m.name === 'counters')).toMatchObject({ spinLockOff: 4, timerOff: 8 });
  });

  it.skipIf(!clang)("reads clang's CO-RE relocations onto their instructions", () => {
    const obj = readObject(readBytes(compile('core.c', 'clang-g')));
    const [prog] = obj.programs;
    expect(prog.coreRelocations).toEqual([
      {
        insnIndex: expect.any(Number),
        typeId: expect.any(Number),
        accessString: '0:1',
        kind: 'field_byte_offset',
      },
    ]);
    const t = obj.btf?.types[prog.coreRelocations![0].typeId];
    expect(t && 'name' in t ? t.name : '').toBe('task_struct');
    expect(obj.unsupported).toEqual([]);
  });

  it.skipIf(!clang)('takes global .text functions as programs when no SEC() section exists', () => {
    const file = compile(
      'int filter(long *ctx) { return ctx[13] > 100; }\nstatic int helper(void) { return 1; }\n',
      'clang-g',
      'no_sec',
    );
    const obj = readObject(readBytes(file));
    expect(obj.programs.map((p) => [p.name, p.section])).toEqual([['filter', '.text']]);
  });

  it.skipIf(!clang)('reports pointers in global data (R_BPF_64_ABS64 in .data) as unsupported', () => {
    const obj = readObject(readBytes(compile('callbacks.c', 'clang-g')));
    expect(obj.unsupported).toEqual([
      expect.objectContaining({
        feature: 'data-relocation',
        where: '.data',
        detail: expect.stringContaining("'counter'"),
      }),
    ]);
  });

  it.skipIf(!clang)('reports BTF-defined maps in an object without BTF', () => {
    const obj = readObject(readBytes(compile('maps_btf.c', 'clang')));
    expect(obj.unsupported.map((u) => [u.feature, u.where]).sort()).toEqual([
      ['map-without-btf', 'config'],
      ['map-without-btf', 'counts'],
      ['map-without-btf', 'events'],
      ['map-without-btf', 'perf'],
      ['map-without-btf', 'ring'],
    ]);
  });

  it.skipIf(!clang)('names the section and offset of an undecodable instruction', () => {
    const bytes = readBytes(compile('loops.c', 'clang'));
    const elf = Buffer.from(bytes);
    const at = elf.indexOf(Buffer.from([0x95, 0, 0, 0, 0, 0, 0, 0])); // the exit
    elf[at] = 0xff;
    expect(() => readObject(new Uint8Array(elf))).toThrow(ElfError);
    expect(() => readObject(new Uint8Array(elf))).toThrow(
      /section 'socket' at offset 0x[0-9a-f]+: instruction \d+: unknown opcode 0xff/,
    );
  });
});
