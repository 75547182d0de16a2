/**
 * The sandbox for programs that were not verified (vm's memory.ts): every access outside the
 * memory above the NULL guard traps, at the same pc as the interpreter's `boundsCheck: false`.
 */
import { assemble } from '@tbpf/asm';
import { lddwPseudo } from '@tbpf/isa';
import {
  type Engine,
  HELPER,
  interpreter,
  loadInsns,
  MAP_TYPE,
  NULL_GUARD,
  Runtime,
  VmError,
} from '@tbpf/vm';
import {
  addressConvention,
  againstInterpreter,
  SANDBOX_ESCAPES,
  SANDBOX_TEST_MEMORY,
  UNKNOWN_HELPER_CALLS,
  ZEROED_STACK_FAULT,
  zeroedStackRuns,
} from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { WasmEngine, wasmEngine } from './engine.js';

it('run and runFast take the context as an offset (0: r1 = 0) and r2', () => {
  const { got, want } = addressConvention(wasmEngine);
  expect(got).toEqual(want);
});

it('zeroes the stacks asked for when their functions are entered, and only those', () => {
  const { got, want } = zeroedStackRuns(wasmEngine);
  expect(got).toEqual(want);
});

it('zeroing a stack from a moved r10 faults at the call like the interpreter', () => {
  const [, src, pc, zeroedStacks] = ZEROED_STACK_FAULT;
  const { interp, runs } = againstInterpreter(wasmEngine, src, { zeroedStacks });
  expect(interp).toMatchObject({ kind: 'out-of-bounds', pc });
  for (const r of runs) expect(r).toMatchObject({ kind: 'out-of-bounds', pc });
});

describe('WebAssembly on programs that were not verified', () => {
  const runtime = new Runtime({ memoryBytes: SANDBOX_TEST_MEMORY });
  const load = (src: string) => loadInsns(runtime, assemble(src).insns);

  it.each(SANDBOX_ESCAPES)('faults like the interpreter: %s', (_, src, pc) => {
    const { interp, runs } = againstInterpreter(wasmEngine, src);
    expect(interp).toMatchObject({ kind: 'out-of-bounds', pc });
    for (const r of runs)
      expect(r).toMatchObject({ kind: 'out-of-bounds', pc, message: expect.stringMatching(/NULL guard/) });
  });

  it('gives the caller its own r10 back after a callee moved it, as the interpreter does', () => {
    // Verified programs cannot write r10; one that was not verified moves it 256 MiB in a callee.
    const src =
      'call local f\nstdw [%r10-8], 7\nldxdw %r0, [%r10-8]\nexit\nf:\nadd %r10, 0x10000000\nmov %r0, 0\nexit';
    const { interp, runs } = againstInterpreter(wasmEngine, src);
    expect(interp).toBe(7n);
    expect(runs).toEqual([7n, 7n, 7n]);
  });

  it('keeps its helper exchange out of the window: above the stack top it reads what the interpreter reads', () => {
    // After a helper call in JavaScript (through the exchange), a load at the stack's top.
    const src = `call ${HELPER.ktime_get_ns}\nldxdw %r0, [%r10+0]\nexit`;
    const run = (e: Engine) => {
      const rt = new Runtime({ memoryBytes: SANDBOX_TEST_MEMORY, clock: () => 0x1234_5678 });
      const p = e.prepare(loadInsns(rt, assemble(src).insns), { boundsCheck: false });
      try {
        return p.run();
      } finally {
        p.dispose();
      }
    };
    expect(run(interpreter)).toBe(0n);
    expect(run(new WasmEngine({ nativeHelpers: false }))).toBe(0n);
    expect(run(wasmEngine)).toBe(0n);
  });

  it.each(UNKNOWN_HELPER_CALLS)('names the helper id that was called and its pc: %s', (_, src, pc) => {
    const { interp, runs } = againstInterpreter(wasmEngine, src);
    expect(interp).toMatchObject({ kind: 'unknown-helper', pc });
    for (const r of runs)
      expect(r).toMatchObject({ kind: 'unknown-helper', pc, message: (interp as VmError).message });
  });

  it('reaches every byte of the window, whatever the high half of the pointer', () => {
    const top = 0x1_0000_0000 + SANDBOX_TEST_MEMORY - 1;
    const program = load(
      `lddw %r1, 0x7700000000\nadd %r1, ${NULL_GUARD}\nstb [%r1+0], 9\nlddw %r2, ${top}\nldxb %r0, [%r2+0]\nldxb %r3, [%r1+0]\nadd %r0, %r3\nexit`,
    );
    runtime.memory.bytes[SANDBOX_TEST_MEMORY - 1] = 3;
    const wasm = wasmEngine.prepare(program, { boundsCheck: false });
    expect(wasm.run()).toBe(12n);
    wasm.dispose();
  });

  /**
   * Just above the stack's top is WebAssembly's helper exchange (engine-private bytes); on the
   * interpreter, nothing. A helper argument there is outside the memory's regions on both.
   */
  it.each([
    ['native helpers', wasmEngine],
    ['JavaScript helpers', new WasmEngine({ nativeHelpers: false })],
  ])("helper arguments never reach the engine's private bytes (%s)", (_, engine: Engine) => {
    const run = (e: Engine, src: string) => {
      const rt = new Runtime({ memoryBytes: SANDBOX_TEST_MEMORY });
      const map = rt.createMap({ name: 'a', type: MAP_TYPE.array, keySize: 4, valueSize: 8, maxEntries: 1 });
      const p = e.prepare(
        loadInsns(rt, [lddwPseudo('map_fd', 1, map.id), ...assemble(src).insns], { maps: [map] }),
        {
          boundsCheck: false,
        },
      );
      try {
        return p.run();
      } catch (err) {
        if (err instanceof VmError) return `${err.kind} at ${err.pc}`;
        throw err;
      } finally {
        p.dispose();
      }
    };
    const keyAtTop = `mov %r2, %r10\ncall ${HELPER.map_lookup_elem}\nexit`;
    const readAtTop = `mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nmov %r3, %r10\ncall ${HELPER.probe_read_kernel}\nexit`;
    expect(run(interpreter, keyAtTop)).toMatch(/^out-of-bounds at/);
    expect(run(engine, keyAtTop)).toBe(run(interpreter, keyAtTop));
    expect(run(interpreter, readAtTop)).toBe(BigInt.asUintN(64, -14n));
    expect(run(engine, readAtTop)).toBe(BigInt.asUintN(64, -14n));
  });
});
