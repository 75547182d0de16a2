/**
 * The sandbox for programs that were not verified (vm's memory.ts): every access outside the
 * memory above the NULL guard traps, at the same pc as the interpreter's `boundsCheck: false`.
 */
import { assemble } from '@tbpf/asm';
import { interpreter, loadInsns, NULL_GUARD, Runtime, VmError } from '@tbpf/vm';
import { SANDBOX_ESCAPES, SANDBOX_TEST_MEMORY } from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { wasmEngine } from './engine.js';

function outcome(run: () => bigint): bigint | VmError {
  try {
    return run();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
}

describe('WebAssembly on programs that were not verified', () => {
  const runtime = new Runtime({ memoryBytes: SANDBOX_TEST_MEMORY });
  const load = (src: string) => loadInsns(runtime, assemble(src).insns);

  it.each(SANDBOX_ESCAPES)('faults like the interpreter: %s', (_, src, pc) => {
    const program = load(src);
    const interp = interpreter.prepare(program, { boundsCheck: false });
    const wasm = wasmEngine.prepare(program, { boundsCheck: false });
    try {
      expect(outcome(() => interp.run(0n, 0n))).toMatchObject({ kind: 'out-of-bounds', pc });
      const got = outcome(() => wasm.run(0n, 0n));
      expect(got).toMatchObject({ kind: 'out-of-bounds', pc, message: expect.stringMatching(/NULL guard/) });
      expect(outcome(() => BigInt(wasm.runFast(0, 0)))).toMatchObject({ kind: 'out-of-bounds', pc });
    } finally {
      interp.dispose();
      wasm.dispose();
    }
  });

  it.each([
    ['callx to an unregistered id', 'mov %r2, 77\ncallx %r2\nexit', 1],
    ['callx with a high half', 'lddw %r2, 0x100000005\ncallx %r2\nexit', 1],
    ['callx after a good one', 'mov %r2, 5\ncallx %r2\nmov %r2, 77\ncallx %r2\nexit', 3],
    ['a call to an unregistered id', 'call 7777\nexit', 0],
  ])('names the helper id that was called and its pc: %s', (_, src, pc) => {
    const program = load(src);
    const interp = interpreter.prepare(program, { boundsCheck: false });
    const compiled = wasmEngine.prepare(program, { boundsCheck: false });
    try {
      const want = outcome(() => interp.run(0n, 0n));
      expect(want).toMatchObject({ kind: 'unknown-helper', pc });
      expect(outcome(() => compiled.run(0n, 0n))).toMatchObject({
        kind: 'unknown-helper',
        pc,
        message: (want as VmError).message,
      });
    } finally {
      interp.dispose();
      compiled.dispose();
    }
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
