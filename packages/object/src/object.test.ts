import { filterEx1Image } from '@tbpf/asm';
import { VerifierError } from '@tbpf/verifier';
import type { EngineName, ProgArray } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compilers } from './compilers.test-util.js';
import { engineAvailability, ObjectError, openObject } from './index.js';

const ENGINE_NAMES: EngineName[] = ['interp', 'jit', 'wasm'];
const PT_REGS = new Uint8Array(168);

describe.each(compilers('counts.c'))('an object built by $compiler', ({ bytes }) => {
  it('opens with its programs typed by section and its maps typed by BTF', () => {
    const spec = openObject(bytes(), { fileName: 'counts.o' });
    expect(spec.format).toBe('elf');
    expect(spec.programs.map((p) => [p.name, p.section, p.type?.programType])).toEqual([
      ['count_writes', 'kprobe/sys_write', 'kprobe'],
    ]);
    expect(spec.maps.map((m) => `${m.name}:${m.typeName}`).sort()).toEqual([
      '.bss:array',
      '.data:array',
      '.rodata:array',
      'counts:array',
      'stats:hash',
    ]);
    expect(spec.map('stats').keyType).toMatchObject({ kind: 'struct', name: 'key' });
    expect(spec.map('stats').valueType).toMatchObject({ kind: 'struct', name: 'val' });
    expect(spec.map('.rodata').valueType).toMatchObject({ kind: 'datasec', name: '.rodata' });
    expect(spec.license).toBe('GPL');
  });

  describe.each(ENGINE_NAMES)('on %s', (engine) => {
    it.skipIf(!engineAvailability(engine).ok)(
      'loads verified, runs, and reads and writes maps as JavaScript values',
      () => {
        using obj = openObject(bytes()).load({ engine });
        const prog = obj.program();
        expect(prog.engine).toBe(engine);
        expect(prog.verified).toBe(true);
        expect(prog.verifierLog).toMatch(/processed \d+ insns/);
        // return name[0]: 't'
        expect(prog.run(PT_REGS)).toBe(0x74n);
        expect(prog.run()).toBe(0x74n);

        expect(obj.map('counts').get(1)).toBe(2n);
        expect([...obj.map('counts')]).toEqual([
          [0, 0n],
          [1, 2n],
          [2, 0n],
          [3, 0n],
        ]);
        const stats = obj.map('stats');
        expect([...stats.entries()]).toEqual([
          [
            { pid: 42, comm: 'abc' },
            { count: 2n, last: -1, flags: [0, 0] },
          ],
        ]);
        expect(obj.map('.bss').get(0)).toEqual({ total: 14n });
        expect(obj.map('.rodata').get(0)).toEqual({ limit: 7 });
        expect(obj.map('.data').get(0)).toEqual({ name: 'tbpf' });

        // Written from JavaScript, seen by the program.
        stats.set({ pid: 42, comm: 'abc' }, { count: 10n, last: 3 });
        obj.map('.data').set(0, { name: 'Z' });
        expect(prog.run(PT_REGS)).toBe(0x5an);
        expect(stats.get({ pid: 42, comm: 'abc' })).toEqual({ count: 11n, last: -1, flags: [0, 0] });
        expect(stats.get({ pid: 7, comm: 'abc' })).toBeUndefined();
        expect(stats.delete({ pid: 42, comm: 'abc' })).toBe(true);
        expect(stats.size).toBe(0);
        // Raw bytes are one property away.
        expect(obj.map('counts').raw.lookup(Uint8Array.of(1, 0, 0, 0))).toEqual(
          Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0),
        );
      },
    );
  });

  it('picks WebAssembly under auto and keeps the reasons when it falls back', () => {
    const spec = openObject(bytes());
    using auto = spec.load();
    expect(auto.program().engine).toBe('wasm');
    expect(auto.program().fallbacks).toEqual([]);
    using limited = spec.load({ engineOptions: { instructionLimit: 1000 } });
    expect(limited.program().engine).toBe('interp');
    expect(limited.program().fallbacks).toEqual([
      expect.stringMatching(/^wasm: .*instruction limit/),
      expect.stringMatching(/^jit: /),
    ]);
  });

  it('refuses values that do not fit their BTF types, naming the member', () => {
    using obj = openObject(bytes()).load({ engine: 'interp' });
    const stats = obj.map('stats');
    expect(() => stats.set({ pid: 1, comm: 'a name too long' }, { count: 1n })).toThrow(
      /map stats key.comm: 'a name too long' is 15 bytes, the array holds 8/,
    );
    expect(() => stats.set({ pid: 1, comm: 'x' }, { count: 1n, nope: 1 })).toThrow(/no member 'nope'/);
    expect(() => stats.set({ pid: 2 ** 32, comm: 'x' }, {})).toThrow(/does not fit in 4 bytes/);
    expect(() => obj.map('.rodata').set(0, { limit: 1 })).toThrow(ObjectError);
  });
});

describe('open', () => {
  it("opens the RFC's draft image as a kprobe program with its helper table translated", () => {
    const spec = openObject(filterEx1Image());
    expect(spec.format).toBe('rfc-image');
    using obj = spec.load({ engine: 'interp' });
    expect(obj.program().type.name).toBe('kprobe');
    expect(obj.program().verified).toBe(true);
  });

  it('opens raw and hex instruction bytes as one sectionless program', () => {
    const raw = Uint8Array.of(0xb7, 0, 0, 0, 0x2a, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0);
    expect(openObject(raw, { fileName: 'p.bin' }).programs.map((p) => [p.name, p.section])).toEqual([
      ['p', ''],
    ]);
    using hex = openObject('b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\n').load();
    expect(hex.program().run()).toBe(42n);
  });

  it('reports C that does not compile at its first error, every diagnostic in detail', () => {
    let error: ObjectError | undefined;
    try {
      openObject('int f(void) {\n  return x;\n}\n', { fileName: 'bad.c' });
    } catch (e) {
      error = e as ObjectError;
    }
    expect(error).toBeInstanceOf(ObjectError);
    expect(error).toMatchObject({ stage: 'compile', location: { file: 'bad.c', line: 2, column: 10 } });
    expect(error?.detail).toContain("bad.c:2:10: error: use of undeclared identifier 'x'");
  });
});

describe('load', () => {
  it('verifies every program: a rejection is a VerifierError with the log and the source line', () => {
    const spec = openObject(
      '#include <tbpf/bpf_helpers.h>\nSEC("kprobe/x") int f(void *ctx) {\n  long *p = 0;\n  return *(int *)(ctx + 400);\n}\n',
      { fileName: 'bad.c' },
    );
    let error: unknown;
    try {
      spec.load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerifierError);
    const v = error as VerifierError;
    expect(v.program).toBe('f');
    expect(v.message).toMatch(/^program f: invalid bpf_context access off=400 size=4/);
    expect(v.sourceLine).toBe('bad.c:4: return *(int *)(ctx + 400);');
    expect(v.log).toMatch(/processed \d+ insns/);
  });

  it('tail calls: a program array the host fills with loaded programs; run follows the jump', () => {
    const spec = openObject(
      `#include <tbpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } jumps SEC(".maps");
SEC("kprobe/target") int target(void *ctx) { return 42; }
SEC("kprobe/caller") int caller(void *ctx) { bpf_tail_call(ctx, &jumps, 1); return 7; }
`,
      { fileName: 'tail.c' },
    );
    for (const engine of ENGINE_NAMES.filter((e) => engineAvailability(e).ok)) {
      using obj = spec.load({ engine });
      const jumps = obj.map('jumps').raw as ProgArray;
      expect(obj.program('caller').run()).toBe(7n); // an empty slot: the call falls through
      jumps.set(1, obj.program('target').prepared);
      expect(obj.program('caller').run()).toBe(42n);
    }
  });

  it('a program calling a helper the runtime cannot provide verifies, and its load names the helper', () => {
    const spec = openObject('.section kprobe/x,"ax"\n.globl f\nf:\ncall 35\nexit\n', { fileName: 'task.s' });
    expect(() => spec.load()).toThrow(ObjectError);
    expect(() => spec.load()).toThrow(
      "program 'f' calls bpf_get_current_task#35, which this runtime does not provide (it runs outside a kernel)",
    );
  });

  it.skipIf(!engineAvailability('jit').ok)(
    'blinds constants on the JIT unless told the program is trusted (tbpf run loads through here)',
    () => {
      const SPRAY = Buffer.from(Uint32Array.of(0x1badc0de).buffer);
      const code = (blind?: boolean) => {
        using obj = openObject('mov %r0, 0x1badc0de\nexit\n').load({
          engine: 'jit',
          ...(blind === undefined ? {} : { engineOptions: { blind } }),
        });
        const prepared = obj.program().prepared as unknown as { compiled: { code: Uint8Array } };
        return Buffer.from(prepared.compiled.code);
      };
      expect(code().includes(SPRAY)).toBe(false);
      expect(code(false).includes(SPRAY)).toBe(true);
    },
  );

  it('runs sectionless assembly with a memory context of contextSize bytes', () => {
    using obj = openObject('ldxb %r0, [%r1+2]\nadd %r0, %r2\nexit\n').load({ contextSize: 4 });
    expect(obj.program().run(Uint8Array.of(0, 1, 0x40, 3))).toBe(0x44n);
    expect(() => obj.program().run(new Uint8Array(5))).toThrow(
      /context is 5 bytes; the program was verified for 4/,
    );
  });

  it('runs unverified programs with region checks, so on the interpreter under auto, faults as VmError', () => {
    using obj = openObject('ldxw %r0, [%r1+0]\nexit\n').load({ verify: false });
    const prog = obj.program();
    expect(prog.engine).toBe('interp');
    expect(prog.fallbacks).toEqual([
      expect.stringMatching(/^wasm: .*no region checks \(boundsCheck: true\)/),
      expect.stringMatching(/^jit: /), // refused the same way, or unavailable here
    ]);
    expect(() => prog.run()).toThrow(/outside every memory region/);
    // Named, a compiled engine runs it in its sandbox (every engine's default).
    using wasm = openObject('ldxw %r0, [%r1+0]\nexit\n').load({ verify: false, engine: 'wasm' });
    expect(() => wasm.program().run()).toThrow(/NULL guard/);
  });

  it('a program reading stack it did not write reads zeros on every engine: the verifier names it, the engine zeroes it', () => {
    const src = 'ldxdw %r0, [%r10-8]\nstdw [%r10-8], 7\nexit\n';
    for (const engine of ENGINE_NAMES.filter((e) => engineAvailability(e).ok)) {
      using obj = openObject(src).load({ engine });
      const prog = obj.program();
      expect([prog.run(), prog.run()], engine).toEqual([0n, 0n]);
    }
    // Unverified, nothing is zeroed: the second run reads what the first left.
    using raw = openObject(src).load({ verify: false });
    expect([raw.program().run(), raw.program().run()]).toEqual([0n, 7n]);
  });

  it('names the programs when asked for one that does not exist', () => {
    expect(() => openObject('exit\n', { fileName: 'p.s' }).load({ programs: ['nope'] })).toThrow(
      "no program or section 'nope' (programs: p)",
    );
  });

  it('disposes programs (with using, or by hand) and refuses to run them afterwards', () => {
    const obj = openObject('mov %r0, 1\nexit\n').load({ engine: 'interp' });
    const prog = obj.program();
    obj[Symbol.dispose]();
    expect(() => prog.run()).toThrow(/disposed/);
  });
});
