import { assemble } from '@tbpf/asm';
import { callLocal, exit, lddw, ldxw, mov, packInsns } from '@tbpf/isa';
import { BPF_ADDRESS_BASE, interpreter, loadInsns, Runtime, VmError } from '@tbpf/vm';
import { tailCallScenario } from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { syntheticProgram } from './bench/measure.js';
import { wasmEngine } from './engine.js';

const runtime = new Runtime({ memoryBytes: 1 << 20 });

function prepare(text: string) {
  return wasmEngine.prepare(loadInsns(runtime, assemble(text).insns), { boundsCheck: false });
}

function vmError(f: () => unknown): VmError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
  throw new Error('expected a VmError');
}

describe('wasm engine: faults become VmError with the BPF pc', () => {
  it('an access beyond the linear memory traps at the faulting instruction', () => {
    const p = wasmEngine.prepare(
      loadInsns(runtime, [mov.imm(0, 0), lddw(1, BPF_ADDRESS_BASE + (1 << 20) + 100), ldxw(0, 1, 0), exit()]),
      { boundsCheck: false },
    );
    const e = vmError(() => p.run());
    expect(e.kind).toBe('out-of-bounds');
    expect(e.pc).toBe(2);
    expect(e.size).toBe(4);
    p.dispose();
  });

  it('a negative offset that wraps below address 0 traps (no wrap-around into the memory)', () => {
    const p = prepare('mov %r0, 0\nldxdw %r0, [%r1-8]\nexit');
    const e = vmError(() => p.run());
    expect([e.kind, e.pc]).toEqual(['out-of-bounds', 1]);
    // runFast is a separate copy of the entry: its traps map back too.
    const f = vmError(() => p.runFast(0, 0));
    expect([f.kind, f.pc]).toEqual(['out-of-bounds', 1]);
    p.dispose();
  });

  it('unbounded recursion stops at the call-depth limit, naming the call', () => {
    const insns = [callLocal(-1), exit()];
    const p = wasmEngine.prepare(loadInsns(runtime, insns), { boundsCheck: false });
    const e = vmError(() => p.run());
    expect([e.kind, e.pc]).toEqual(['call-depth', 0]);
    p.dispose();
  });

  it('an unknown helper id is reported with its pc, for call and callx', () => {
    const p = prepare('mov %r0, 0\ncall 424242\nexit');
    expect([vmError(() => p.run()).kind, vmError(() => p.run()).pc]).toEqual(['unknown-helper', 1]);
    const q = prepare('mov %r3, 777777\nmov %r0, 0\ncall %r3\nexit');
    expect(vmError(() => q.runFast(0, 0)).pc).toBe(2);
    expect(vmError(() => q.run()).message).toMatch(/callx: no helper with id 777777\b/);
    expect(vmError(() => p.run()).message).toMatch(/no helper with id 424242\b/);
    p.dispose();
    q.dispose();
  });

  it('running off the end is an error at the last instruction', () => {
    const p = wasmEngine.prepare(loadInsns(runtime, [mov.imm(0, 1)]), { boundsCheck: false });
    const e = vmError(() => p.run());
    expect([e.kind, e.pc]).toEqual(['fell-off', 0]);
    p.dispose();
  });

  it('refuses per-access region checks and instruction limits with a reason', () => {
    const program = loadInsns(runtime, [mov.imm(0, 1), exit()]);
    expect(vmError(() => wasmEngine.prepare(program, { boundsCheck: true })).kind).toBe('load');
    expect(vmError(() => wasmEngine.prepare(program, { boundsCheck: false, instructionLimit: 5 })).kind).toBe(
      'load',
    );
  });

  it('refuses unresolved lddw pseudo sources and kfunc calls naming the instruction', () => {
    // Built by hand: the loader itself would reject the unknown map fd.
    const insns = [
      mov.imm(0, 0),
      { kind: 'lddw', source: 'map_fd', dst: 1, imm: 3, imm2: 0 } as const,
      exit(),
    ];
    const map = {
      name: 'unresolved',
      runtime,
      insns,
      code: packInsns(insns),
      constants: [],
      maps: [],
      functionStarts: [],
    };
    expect(vmError(() => wasmEngine.prepare(map, { boundsCheck: false })).pc).toBe(1);
    const kfunc = loadInsns(runtime, [{ kind: 'call', target: 'kfunc', imm: 9 }, exit()]);
    expect(vmError(() => wasmEngine.prepare(kfunc, { boundsCheck: false })).message).toMatch(/kfunc/);
  });
});

describe('wasm engine: helpers through the JavaScript trampoline', () => {
  it('passes r1..r5 exactly and takes a full 64-bit r0 back (number, BigInt or set64)', () => {
    const rt = new Runtime({ memoryBytes: 1 << 20 });
    const seen: bigint[][] = [];
    const helpers = rt.helpers.clone();
    helpers.register({ id: 900, name: 'probe', args: [], ret: 'integer' }, (call) => {
      seen.push([1, 2, 3, 4, 5].map((n) => call.u64(n)));
      return -5;
    });
    helpers.register({ id: 901, name: 'big', args: [], ret: 'integer' }, () => 0xfedcba9876543210n);
    helpers.register({ id: 902, name: 'halves', args: [], ret: 'integer' }, (call) => {
      call.set64(0x11223344, -2);
      return undefined;
    });
    const text = `
      lddw %r1, 0x8000000000000001
      mov %r2, -2
      mov %r3, 3
      lddw %r4, 0x1234567890
      mov %r5, 0
      call 900
      mov %r6, %r0
      call 901
      mov %r7, %r0
      call 902
      add %r0, %r7
      add %r0, %r6
      exit`;
    const p = wasmEngine.prepare(loadInsns(rt, assemble(text).insns), { boundsCheck: false, helpers });
    const want = BigInt.asUintN(64, 0xfffffffe11223344n + 0xfedcba9876543210n - 5n);
    expect(p.run()).toBe(want);
    expect(p.runFast(0, 0)).toBe(Number(want & 0xffffffffn));
    expect(seen[0]).toEqual([0x8000000000000001n, 2n ** 64n - 2n, 3n, 0x1234567890n, 0n]);
    p.dispose();
  });

  it('a helper that stops the program ends every frame at once with its value', () => {
    const rt = new Runtime({ memoryBytes: 1 << 20 });
    const helpers = rt.helpers.clone();
    helpers.register({ id: 903, name: 'stop', args: [], ret: 'integer' }, (call) => {
      call.stop(-7);
      return 0;
    });
    const text = 'call func\nmov %r0, 1\nexit\nfunc:\ncall 903\nmov %r0, 2\nexit';
    const p = wasmEngine.prepare(loadInsns(rt, assemble(text).insns), { boundsCheck: false, helpers });
    expect(p.run()).toBe(2n ** 64n - 7n);
    expect(p.runFast(0, 0)).toBe(2 ** 32 - 7);
    p.dispose();
  });

  it("tail calls (runProgram) give the interpreter's results: the chain limit, the context passed on", () => {
    expect(tailCallScenario(wasmEngine)).toEqual(tailCallScenario(interpreter));
  });
});

describe('wasm engine: asynchronous compilation (browsers)', () => {
  it('prepareAsync gives a program that runs like prepare', async () => {
    const insns = syntheticProgram(4096);
    const ctx = runtime.allocData(
      Uint8Array.from({ length: 64 }, (_, i) => i * 7),
      'ctx',
    );
    const program = loadInsns(runtime, insns);
    const a = await wasmEngine.prepareAsync(program, { boundsCheck: false });
    const b = wasmEngine.prepare(program, { boundsCheck: false });
    expect(a.runFast(ctx.start, 64)).toBe(b.runFast(ctx.start, 64));
    expect(a.run(ctx.start)).toBe(b.run(ctx.start));
    a.dispose();
    b.dispose();
    runtime.memory.free(ctx);
  });
});

describe('wasm engine: control flow', () => {
  it('compiles loops to structured wasm and irreducible layouts to the dispatcher', () => {
    const loop = prepare(
      'mov %r0, 0\nmov %r1, 10\nl:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, l\nexit',
    ) as unknown as {
      compiled: { plans: string[] };
      run(): bigint;
    };
    expect(loop.compiled.plans).toEqual(['structured']);
    expect(loop.run()).toBe(55n);
    // ja into the middle of the "loop" formed by the backward ja: a second entry.
    const irreducible = prepare(
      'mov %r0, 0\nja l2\nl1:\nadd %r0, 1\nexit\nl2:\nadd %r0, 2\nja l1',
    ) as unknown as {
      compiled: { plans: string[] };
      run(): bigint;
    };
    expect(irreducible.compiled.plans).toEqual(['dispatch']);
    expect(irreducible.run()).toBe(3n);
  });

  it('gives each BPF-to-BPF call its own 512-byte frame (r10) and keeps r6..r9 of the caller', () => {
    const text = `
      mov %r6, 6
      stdw [%r10-8], 100
      mov %r1, 5
      call f
      ldxdw %r1, [%r10-8]
      add %r0, %r1
      add %r0, %r6
      exit
      f:
      mov %r6, 60
      stdw [%r10-8], 1000
      mov %r0, %r1
      jeq %r1, 0, done
      sub %r1, 1
      call f
      ldxdw %r2, [%r10-8]
      add %r0, %r2
      done:
      exit`;
    const p = prepare(text);
    // f(n) = f(n - 1) + its own frame slot (1000), f(0) = 0: six frames deep.
    expect(p.run()).toBe(5000n + 100n + 6n);
    p.dispose();
  });
});
