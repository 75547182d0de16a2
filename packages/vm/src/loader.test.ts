import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkProgram, readObject } from '@tbpf/asm';
import { encode, type Insn } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { VmError } from './errors.js';
import { interpreter } from './interp/interpreter.js';
import { loadBytes, loadInsns, loadLinked, loadText } from './loader.js';
import { newRuntime } from './testing/run.js';

const COUNTER_C = `
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
struct { __uint(type, 1); __uint(max_entries, 16); __type(key, int); __type(value, long); } counts SEC(".maps");
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, unsigned long flags) = (void *)2;
const volatile int step = 5;
static __attribute__((noinline)) long bump(long *v) { __sync_fetch_and_add(v, step); return *v; }
SEC("kprobe/x") int count(void *ctx) {
  int k = 3; long first = 1;
  long *v = bpf_map_lookup_elem(&counts, &k);
  if (v) return bump(v);
  bpf_map_update_elem(&counts, &k, &first, 0);
  return 1;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe('loading', () => {
  it.skipIf(!haveTool('clang-19'))(
    'loads a clang-19 object: BTF hash map, .rodata, a sub-program, helper calls',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-vm-'));
      writeFileSync(path.join(dir, 'c.c'), COUNTER_C);
      execFileSync('clang-19', ['-O2', '-g', '-target', 'bpf', '-c', 'c.c', '-o', 'c.o'], { cwd: dir });
      const obj = readObject(new Uint8Array(readFileSync(path.join(dir, 'c.o'))));
      const rt = newRuntime();
      const loaded = loadLinked(rt, linkProgram(obj, 'count'));
      expect(loaded.maps.map((m) => m.name).sort()).toEqual(['.rodata', 'counts']);
      const prepared = interpreter.prepare(loaded);
      expect([prepared.run(), prepared.run(), prepared.run()]).toEqual([1n, 6n, 11n]);
      const counts = rt.mapByName('counts')!;
      expect(counts.lookup(Uint8Array.of(3, 0, 0, 0))).toEqual(Uint8Array.of(11, 0, 0, 0, 0, 0, 0, 0));
    },
  );

  it('assembles text directly', () => {
    const rt = newRuntime();
    expect(interpreter.prepare(loadText(rt, 'r0 = 5\nr0 += 2\nexit')).run()).toBe(7n);
    expect(interpreter.prepare(loadText(rt, 'mov %r0, 9\nexit')).run()).toBe(9n);
  });

  it('resolves code_addr to the callee index (BPF_PSEUDO_FUNC: slot + imm + 1)', () => {
    const rt = newRuntime();
    const loaded = loadInsns(rt, [
      { kind: 'lddw', source: 'code_addr', dst: 1, imm: 2, imm2: 0 },
      { kind: 'exit' },
      { kind: 'exit' },
    ]);
    expect(loaded.constants[0]).toMatchObject({ lo: 2, hi: 0, target: 2 });
    expect(() => loadInsns(rt, [])).toThrow(VmError);
    const malformed = [
      { kind: 'exit' },
      { kind: 'ldx', size: 3, signed: false, dst: 0, src: 1, off: 0 },
    ] as never;
    expect(() => loadInsns(rt, malformed)).toThrow(expect.objectContaining({ kind: 'load', pc: 1 }));
    const r11 = [
      { kind: 'exit' },
      { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 11, src: 0, imm: 0 },
    ];
    expect(() => loadInsns(rt, r11 as never)).toThrow(expect.objectContaining({ kind: 'load', pc: 1 }));
  });

  it('packs the instructions for the engines (isa packed.ts)', () => {
    const loaded = loadText(newRuntime(), 'r1 = 0x100000002 ll\nr0 = r1\nexit');
    expect(Array.from(loaded.code.imm)).toEqual([2, 0, 0]);
    expect(Array.from(loaded.code.imm2)).toEqual([1, 0, 0]);
    expect(Array.from(loaded.code.dst)).toEqual([1, 0, 0]);
    expect(Array.from(loaded.code.src)).toEqual([0, 1, 0]);
    expect(loaded.code.length).toBe(3);
  });

  it('loads bytes to the same constants as instructions, with and without an lddw', () => {
    const programs: Insn[][] = [
      [
        { kind: 'lddw', source: 'imm64', dst: 1, imm: 7, imm2: 1 },
        { kind: 'lddw', source: 'code_addr', dst: 2, imm: 1, imm2: 0 },
        { kind: 'exit' },
        { kind: 'exit' },
      ],
      [{ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 1 }, { kind: 'exit' }],
    ];
    for (const insns of programs) {
      const rt = newRuntime();
      const fromBytes = loadBytes(rt, encode(insns));
      expect(fromBytes.constants).toEqual(loadInsns(rt, insns).constants);
      expect(fromBytes.constants.length).toBe(insns.length);
    }
    expect(loadBytes(newRuntime(), encode(programs[0])).constants[1]).toMatchObject({ target: 2 });
  });
});
