/**
 * The sandbox for programs that were not verified: every access outside the window (the memory
 * above its NULL guard) faults, the fault becomes a VmError at the same pc as the interpreter's
 * `boundsCheck: false`, and the process survives; lifetimes (dispose, forgotten programs,
 * dispose from inside a run) hold.
 */
import { spawnSync } from 'node:child_process';
import { assemble } from '@tbpf/asm';
import { interpreter, type LoadedProgram, NULL_GUARD, Runtime, standardHelpers, VmError } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { JitEngine, x64Engine } from './engine.js';
import { plainProgram } from './testing/conformance.js';
import { nativeAvailable } from './testing/native.js';

/** r0 or the VmError of a run. */
function outcome(run: () => bigint): bigint | VmError {
  try {
    return run();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
}

function same(a: bigint | VmError, b: bigint | VmError): void {
  if (typeof a === 'bigint') expect(b).toBe(a);
  else expect(b).toMatchObject({ kind: a.kind, pc: a.pc });
}

const MEM = 1 << 20;

/** The WebAssembly API this test uses (the package compiles without DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
  RuntimeError: new () => Error;
}

/** Unverified programs that leave the window, each with the instruction that should fault. */
const ESCAPES: [string, string][] = [
  ['NULL + 8 load', 'ldxdw %r0, [%r1+8]\nexit'],
  ['the last byte of the NULL guard', `lddw %r1, 0x100000000\nldxb %r0, [%r1+${NULL_GUARD - 1}]\nexit`],
  ['a wild lddw address past the memory', 'lddw %r1, 0x100200000\nldxw %r0, [%r1+0]\nexit'],
  ['a wild lddw store', 'lddw %r1, 0x1ffff0000\nstw [%r1+0], 1\nexit'],
  ['the middle of the 4 GiB window', 'lddw %r1, 0x180000000\nstdw [%r1+0], 1\nexit'],
  ['the end of the 4 GiB window', 'lddw %r1, 0x1fffffff8\nstdw [%r1+0], 1\nmov %r0, 1\nexit'],
  ['a wrap past 4 GiB into the guard', 'lddw %r1, 0x1fffffff8\nldxb %r0, [%r1+16]\nexit'],
  ['a negative wrap', 'mov %r1, 16\nldxw %r0, [%r1-32]\nexit'],
  ['r10 moved far away', 'add %r10, 0x40000000\nstdw [%r10-8], 7\nexit'],
  ['a far stack offset', 'stdw [%r10-32000], 7\nexit'],
  ['an 8-byte store across the memory end', `lddw %r1, ${0x1_0000_0000 + MEM - 4}\nstdw [%r1+0], 7\nexit`],
  ['atomic add', 'lddw %r1, 0x140000000\nmov %r2, 1\nlock add [%r1+0], %r2\nexit'],
  ['atomic fetch_or (a cmpxchg loop)', 'mov %r1, 0\nmov %r2, 1\nlock fetch or [%r1+64], %r2\nexit'],
  ['xchg', 'lddw %r1, 0x1f0000000\nmov %r2, 1\nlock xchg32 [%r1+0], %r2\nexit'],
  ['cmpxchg', 'mov %r0, 0\nmov %r1, 0\nmov %r2, 1\nlock cmpxchg [%r1+0], %r2\nexit'],
  ['in a BPF-to-BPF call', 'mov %r6, 5\ncall local f\nexit\nf:\nmov %r1, 8\nldxb %r0, [%r1+0]\nexit'],
  [
    'after a helper call',
    'mov %r6, 1\nstdw [%r10-8], 1\ncall 5\nlddw %r1, 0x100300000\nldxdw %r0, [%r1+0]\nexit',
  ],
];

describe.skipIf(!nativeAvailable())('the x86-64 JIT on programs that were not verified', () => {
  const runtime = new Runtime({ memoryBytes: MEM });
  const load = (src: string): LoadedProgram => plainProgram(runtime, assemble(src).insns);

  it.each(ESCAPES)('faults like the interpreter: %s', (_, src) => {
    const program = load(src);
    const interp = interpreter.prepare(program, { boundsCheck: false });
    const jit = x64Engine.prepare(program, { boundsCheck: false });
    try {
      const want = outcome(() => interp.run(0n, 0n));
      expect(want).toBeInstanceOf(VmError);
      const got = outcome(() => jit.run(0n, 0n));
      same(want, got);
      expect(got).toMatchObject({ kind: 'out-of-bounds', message: expect.stringMatching(/NULL guard/) });
      // runFast, and again: the fault left nothing behind.
      same(
        want,
        outcome(() => BigInt(jit.runFast(0, 0))),
      );
      same(
        want,
        outcome(() => jit.run(0n, 0n)),
      );
    } finally {
      interp.dispose();
      jit.dispose();
    }
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
