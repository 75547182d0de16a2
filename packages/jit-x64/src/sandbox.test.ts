/**
 * The sandbox for programs that were not verified: every access outside the window (the memory
 * above its NULL guard) faults, the fault becomes a VmError at the same pc as the interpreter's
 * `boundsCheck: false`, and the process survives; lifetimes (dispose, forgotten programs,
 * dispose from inside a run) hold.
 */
import { spawnSync } from 'node:child_process';
import { assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import {
  interpreter,
  type LoadedProgram,
  MAP_TYPE,
  NULL_GUARD,
  type RingBuffer,
  Runtime,
  standardHelpers,
  type VmError,
} from '@tbpf/vm';
import {
  addressConvention,
  againstInterpreter,
  outcome,
  SANDBOX_ESCAPES,
  SANDBOX_TEST_MEMORY,
  UNKNOWN_HELPER_CALLS,
  ZEROED_STACK_FAULT,
  zeroedStackRuns,
} from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { JitEngine, x64Engine } from './engine.js';
import { plainProgram } from './testing/conformance.js';
import { nativeAvailable } from './testing/native.js';

function same(a: bigint | VmError, b: bigint | VmError): void {
  if (typeof a === 'bigint') expect(b).toBe(a);
  else expect(b).toMatchObject({ kind: a.kind, pc: a.pc });
}

const MEM = SANDBOX_TEST_MEMORY;

/** The WebAssembly API this test uses (the package compiles without DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
  RuntimeError: new () => Error;
}

describe.skipIf(!nativeAvailable())('the x86-64 JIT on programs that were not verified', () => {
  const runtime = new Runtime({ memoryBytes: MEM });
  const load = (src: string): LoadedProgram => plainProgram(runtime, assemble(src).insns);

  it('run and runFast take the context as an offset (0: r1 = 0) and r2', () => {
    const { got, want } = addressConvention(x64Engine);
    expect(got).toEqual(want);
  });

  it('zeroes the stacks asked for when their functions are entered, and only those', () => {
    const { got, want } = zeroedStackRuns(x64Engine);
    expect(got).toEqual(want);
  });

  it('zeroing a stack from a moved r10 faults at the call like the interpreter', () => {
    const [, src, pc, zeroedStacks] = ZEROED_STACK_FAULT;
    const { interp, runs } = againstInterpreter(x64Engine, src, { zeroedStacks });
    expect(interp).toMatchObject({ kind: 'out-of-bounds', pc });
    for (const r of runs) expect(r).toMatchObject({ kind: 'out-of-bounds', pc });
  });

  it.each(SANDBOX_ESCAPES)('faults like the interpreter: %s', (_, src, pc) => {
    const { interp, runs } = againstInterpreter(x64Engine, src);
    expect(interp).toMatchObject({ kind: 'out-of-bounds', pc });
    for (const r of runs)
      expect(r).toMatchObject({ kind: 'out-of-bounds', pc, message: expect.stringMatching(/NULL guard/) });
  });

  it('gives the caller its own r10 back after a callee moved it, as the interpreter does', () => {
    // Verified programs cannot write r10; one that was not verified moves it 256 MiB in a callee.
    const src =
      'call local f\nstdw [%r10-8], 7\nldxdw %r0, [%r10-8]\nexit\nf:\nadd %r10, 0x10000000\nmov %r0, 0\nexit';
    const { interp, runs } = againstInterpreter(x64Engine, src);
    expect(interp).toBe(7n);
    expect(runs).toEqual([7n, 7n, 7n]);
  });

  it.each(UNKNOWN_HELPER_CALLS)('names the helper id that was called and its pc: %s', (_, src, pc) => {
    const { interp, runs } = againstInterpreter(x64Engine, src);
    expect(interp).toMatchObject({ kind: 'unknown-helper', pc });
    for (const r of runs)
      expect(r).toMatchObject({ kind: 'unknown-helper', pc, message: (interp as VmError).message });
  });

  it('reaches every byte of the window, whatever the high half of the pointer', () => {
    const program = load(
      `lddw %r1, 0x7700000000\nadd %r1, ${NULL_GUARD}\nstb [%r1+0], 9\nlddw %r2, ${0x1_0000_0000 + MEM - 1}\nldxb %r0, [%r2+0]\nldxb %r3, [%r1+0]\nadd %r0, %r3\nexit`,
    );
    runtime.memory.bytes[MEM - 1] = 3;
    const jit = x64Engine.prepare(program, { boundsCheck: false });
    expect(jit.run()).toBe(12n);
    jit.dispose();
  });

  it('survives a million faults and keeps running programs normally', () => {
    const faulting = x64Engine.prepare(load('ldxdw %r0, [%r1+8]\nexit'), { boundsCheck: false });
    const fine = x64Engine.prepare(load('mov %r0, 42\nexit'), { boundsCheck: false });
    expect(() => faulting.benchNative(0, 0, 0, 1_000_000)).toThrow(
      expect.objectContaining({ kind: 'out-of-bounds', pc: 0 }),
    );
    let faults = 0;
    for (let i = 0; i < 10_000; i++) {
      try {
        faulting.runFast(0, 0);
      } catch {
        faults++;
      }
      expect(fine.runFast(0, 0)).toBe(42);
    }
    expect(faults).toBe(10_000);
    faulting.dispose();
    fine.dispose();
  });

  it('still lets WebAssembly trap (V8 keeps its own fault handling)', () => {
    // (module (memory 1) (func (export "f") (result i32) i32.const 70000 i32.load))
    const bytes = Uint8Array.from([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 5, 1, 1, 102, 0, 0,
      10, 11, 1, 9, 0, 65, 240, 162, 4, 40, 2, 0, 11,
    ]);
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const f = new wasm.Instance(new wasm.Module(bytes)).exports.f as () => number;
    x64Engine.prepare(load('mov %r0, 0\nexit'), { boundsCheck: false }).dispose(); // the addon is loaded
    expect(() => f()).toThrow(wasm.RuntimeError);
  });

  it('leaves other SIGSEGVs to the handler before it: the process still dies of them', () => {
    // A child loads the addon (installing the handler), then gets a SIGSEGV that is not a fault
    // of JIT code: the handler passes it on, and the default action ends the child.
    const addonScript = `
      require(${JSON.stringify(new URL('../build/tbpf_jit.node', import.meta.url).pathname)});
      process.kill(process.pid, 'SIGSEGV');
      setTimeout(() => {}, 5000);
    `;
    const r = spawnSync(process.execPath, ['-e', addonScript], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBe('SIGSEGV');
  });
});

describe.skipIf(!nativeAvailable())('native helpers trust nothing a program can write', () => {
  /** The same program on a fresh runtime per engine: r0 (or the error) and every byte above the guard. */
  function compare(setup: (rt: Runtime) => Insn[]): void {
    const results = (['interp', 'jit'] as const).map((name) => {
      const rt = new Runtime({ memoryBytes: MEM });
      const program = plainProgram(rt, setup(rt));
      const engine = name === 'interp' ? interpreter : x64Engine;
      const prepared = engine.prepare(program, { boundsCheck: false });
      const r = outcome(() => prepared.run());
      prepared.dispose();
      return { r, memory: rt.memory.bytes.slice(NULL_GUARD) };
    });
    same(results[0].r, results[1].r);
    expect(Buffer.compare(results[0].memory, results[1].memory)).toBe(0);
  }
  const mapRef = (dst: number, id: number): Insn => ({
    kind: 'lddw',
    source: 'map_fd',
    dst,
    imm: id,
    imm2: 0,
  });
  const asm = (text: string) => assemble(text).insns;

  it.each([
    ['array', MAP_TYPE.array],
    ['hash', MAP_TYPE.hash],
    ['LRU hash', MAP_TYPE.lru_hash],
  ])('map descriptors: sizes, data and stride overwritten, then update and lookup (%s)', (_, type) => {
    compare((rt) => {
      const map = rt.createMap({ name: 'm', type, keySize: 4, valueSize: 8, maxEntries: 4 });
      return [
        mapRef(1, map.id),
        ...asm(
          [
            'stdw [%r1+4], -1', // key_size, value_size = 0xffffffff
            'stdw [%r1+20], -1', // capacity, count
            'stdw [%r1+32], -16', // data = 0xfffffff0, stride = 0xffffffff
            'stdw [%r1+40], -1', // value offset, LRU clock
            'mov %r6, %r1',
            'stw [%r10-4], 1',
            'stdw [%r10-16], 77',
            'mov %r2, %r10',
            'add %r2, -4',
            'mov %r3, %r10',
            'add %r3, -16',
            'mov %r4, 0',
            'call 2', // update
            'mov %r7, %r0',
            'mov %r1, %r6',
            'mov %r2, %r10',
            'add %r2, -4',
            'call 1', // lookup
            'jeq %r0, 0, out',
            'ldxdw %r0, [%r0+0]',
            'out:',
            'add %r0, %r7',
            'exit',
          ].join('\n'),
        ),
      ];
    });
  });

  it('ring buffer: header positions and mask overwritten, then reserve, output, submit', () => {
    compare((rt) => {
      const ring = rt.createMap({
        name: 'r',
        type: MAP_TYPE.ringbuf,
        keySize: 0,
        valueSize: 0,
        maxEntries: 4096,
      });
      const header = (ring as RingBuffer).ring.start;
      return [
        ...asm(`lddw %r1, ${0x1_0000_0000 + header}\nstdw [%r1+0], -8\nstdw [%r1+8], -1`), // positions, mask
        mapRef(1, ring.id),
        ...asm(
          [
            'stdw [%r1+20], -1', // capacity
            'stdw [%r1+32], -1', // data
            'mov %r6, %r1',
            'mov %r2, 16',
            'mov %r3, 0',
            'call 131', // reserve
            'jeq %r0, 0, skip',
            'stdw [%r0+0], 5',
            'mov %r1, %r0',
            'mov %r2, 0',
            'call 132', // submit
            'skip:',
            'mov %r1, %r6',
            'mov %r2, %r10',
            'add %r2, -8',
            'mov %r3, 8',
            'mov %r4, 0',
            'call 130', // output
            'exit',
          ].join('\n'),
        ),
      ];
    });
  });
});

describe.skipIf(!nativeAvailable())('lifetimes', () => {
  it('a helper may dispose the program that called it: the release waits for the run', () => {
    const runtime = new Runtime({ memoryBytes: MEM, helpers: standardHelpers() });
    let prepared: { dispose(): void; run(): bigint } | undefined;
    let nested: unknown;
    runtime.helpers.register({ id: 7000, name: 'dispose_me', args: [], ret: 'integer' }, () => {
      try {
        prepared?.run();
      } catch (e) {
        nested = e;
      }
      prepared?.dispose();
      return 5;
    });
    const regions = runtime.memory.regions.length;
    prepared = x64Engine.prepare(
      plainProgram(
        runtime,
        assemble('call 7000\nstdw [%r10-8], 3\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit').insns,
      ),
      { boundsCheck: false },
    );
    expect(prepared.run()).toBe(8n); // the code and stack stayed until the run returned
    expect(nested).toMatchObject({ kind: 'load', message: expect.stringMatching(/already running/) });
    expect(runtime.memory.regions.length).toBe(regions); // then its stack region went back
    expect(() => prepared?.run()).toThrow(expect.objectContaining({ kind: 'load' }));
  });

  it('a run nested in a helper, on another memory, leaves the outer run its own memory (segment base restored)', () => {
    const outer = new Runtime({ memoryBytes: MEM, helpers: standardHelpers() });
    const inner = new Runtime({ memoryBytes: MEM });
    const a = outer.allocData(Uint8Array.of(11, 0, 0, 0, 0, 0, 0, 0), 'a');
    const b = inner.allocData(Uint8Array.of(22, 0, 0, 0, 0, 0, 0, 0), 'b');
    const innerProgram = x64Engine.prepare(plainProgram(inner, assemble('ldxdw %r0, [%r1+0]\nexit').insns), {
      boundsCheck: false,
    });
    outer.helpers.register({ id: 7001, name: 'run_inner', args: [], ret: 'integer' }, () =>
      innerProgram.run(b.start),
    );
    const outerProgram = x64Engine.prepare(
      plainProgram(
        outer,
        assemble('mov %r6, %r1\ncall 7001\nldxdw %r1, [%r6+0]\nmul %r1, 100\nadd %r0, %r1\nexit').insns,
      ),
      { boundsCheck: false },
    );
    expect(outerProgram.compiled.addressing).toBe(innerProgram.compiled.addressing);
    expect(outerProgram.run(a.start)).toBe(22n + 1100n);
    expect(innerProgram.run(b.start)).toBe(22n);
    expect(outerProgram.run(a.start)).toBe(1122n);
    innerProgram.dispose();
    outerProgram.dispose();
  });

  it('creates and disposes 50,000 programs, each on its own runtime', () => {
    const engine = new JitEngine({ blind: true });
    const insns = assemble('stdw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit').insns;
    for (let i = 0; i < 50_000; i++) {
      const runtime = new Runtime({ memoryBytes: 1 << 16 });
      const p = engine.prepare(plainProgram(runtime, insns), { boundsCheck: false });
      if (p.runFast(0, 0) !== 1) throw new Error(`program ${i} returned the wrong value`);
      p.dispose();
    }
  }, 600_000);

  it('frees forgotten programs when they are collected: more than V8 could reserve at once', () => {
    const insns = assemble('mov %r0, 1\nexit').insns;
    for (let i = 0; i < 16_000; i++) {
      const runtime = new Runtime({ memoryBytes: 1 << 16 });
      x64Engine.prepare(plainProgram(runtime, insns), { boundsCheck: false }).runFast(0, 0);
    }
  }, 600_000);
});
