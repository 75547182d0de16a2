/**
 * The sandbox for programs that were not verified (vm's memory.ts): every access outside the
 * memory above the NULL guard traps, at the same pc as the interpreter's `boundsCheck: false`.
 */
import { assemble } from '@tbpf/asm';
import { loadInsns, NULL_GUARD, Runtime, type VmError } from '@tbpf/vm';
import {
  addressConvention,
  againstInterpreter,
  SANDBOX_ESCAPES,
  SANDBOX_TEST_MEMORY,
  UNKNOWN_HELPER_CALLS,
} from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { wasmEngine } from './engine.js';

it('run and runFast take the context as an offset (0: r1 = 0) and r2', () => {
  const { got, want } = addressConvention(wasmEngine);
  expect(got).toEqual(want);
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
});
