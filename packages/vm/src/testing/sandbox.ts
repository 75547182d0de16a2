/**
 * Programs that were not verified and leave the sandbox's window (memory.ts), one per way out —
 * each faults at the given pc on every engine with `boundsCheck: false`. Engines' tests run them
 * against the interpreter; ubpf assembly. Every address is outside any memory (≥ 2 GiB) or in
 * the NULL guard, except 'across the memory end', which assumes SANDBOX_TEST_MEMORY bytes.
 */
import { assemble } from '@tbpf/asm';
import type { Engine } from '../engine.js';
import { VmError } from '../errors.js';
import { interpreter } from '../interp/interpreter.js';
import { type LoadOptions, loadInsns } from '../loader.js';
import { NULL_GUARD } from '../memory.js';
import { Runtime } from '../runtime.js';

/** Memory size the escapes assume (1 MiB). */
export const SANDBOX_TEST_MEMORY = 1 << 20;

/** [what, ubpf assembly, pc of the faulting instruction]. */
export const SANDBOX_ESCAPES: readonly (readonly [string, string, number])[] = [
  ['NULL + 8 load', 'ldxdw %r0, [%r1+8]\nexit', 0],
  ['the last byte of the NULL guard', `lddw %r1, 0x100000000\nldxb %r0, [%r1+${NULL_GUARD - 1}]\nexit`, 1],
  ['a wild lddw address past any memory', 'lddw %r1, 0x190000000\nldxw %r0, [%r1+0]\nexit', 1],
  ['a wild lddw store', 'lddw %r1, 0x1ffff0000\nstw [%r1+0], 1\nexit', 1],
  ['the middle of the 4 GiB window', 'lddw %r1, 0x180000000\nstdw [%r1+0], 1\nexit', 1],
  ['the end of the 4 GiB window', 'lddw %r1, 0x1fffffff8\nstdw [%r1+0], 1\nmov %r0, 1\nexit', 1],
  ['a wrap past 4 GiB into the guard', 'lddw %r1, 0x1fffffff8\nldxb %r0, [%r1+16]\nexit', 1],
  ['a negative wrap', 'mov %r1, 16\nldxw %r0, [%r1-32]\nexit', 1],
  ['r10 moved far away', 'add %r10, 0x40000000\nstdw [%r10-8], 7\nexit', 1],
  ['a far stack offset', 'stdw [%r10-32000], 7\nexit', 0],
  [
    'an 8-byte store across the memory end',
    `lddw %r1, ${0x1_0000_0000 + SANDBOX_TEST_MEMORY - 4}\nstdw [%r1+0], 7\nexit`,
    1,
  ],
  [
    'an 8-byte load across the memory end',
    `lddw %r1, ${0x1_0000_0000 + SANDBOX_TEST_MEMORY - 4}\nldxdw %r0, [%r1+0]\nexit`,
    1,
  ],
  ['atomic add', 'lddw %r1, 0x140000000\nmov %r2, 1\nlock add [%r1+0], %r2\nexit', 2],
  ['atomic fetch_or (a cmpxchg loop on x86)', 'mov %r1, 0\nmov %r2, 1\nlock fetch or [%r1+64], %r2\nexit', 2],
  ['xchg', 'lddw %r1, 0x1f0000000\nmov %r2, 1\nlock xchg32 [%r1+0], %r2\nexit', 2],
  ['cmpxchg', 'mov %r0, 0\nmov %r1, 0\nmov %r2, 1\nlock cmpxchg [%r1+0], %r2\nexit', 3],
  ['in a BPF-to-BPF call', 'mov %r6, 5\ncall local f\nexit\nf:\nmov %r1, 8\nldxb %r0, [%r1+0]\nexit', 4],
  [
    'after a helper call',
    'mov %r6, 1\nstdw [%r10-8], 1\ncall 5\nlddw %r1, 0x1a0000000\nldxdw %r0, [%r1+0]\nexit',
    4,
  ],
];

/** Calls of helper ids nobody registered: [what, ubpf assembly, pc of the failing call]. */
export const UNKNOWN_HELPER_CALLS: readonly (readonly [string, string, number])[] = [
  ['callx to an unregistered id', 'mov %r2, 77\ncallx %r2\nexit', 1],
  ['callx with a high half', 'lddw %r2, 0x100000005\ncallx %r2\nexit', 1],
  ['callx after a good one', 'mov %r2, 5\ncallx %r2\nmov %r2, 77\ncallx %r2\nexit', 3],
  ['a call to an unregistered id', 'call 7777\nexit', 0],
];

/** r0, or the VmError a run throws. */
export function outcome(run: () => bigint): bigint | VmError {
  try {
    return run();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
}

/**
 * A program (ubpf assembly, loaded with `options`) on a fresh runtime of SANDBOX_TEST_MEMORY bytes: its outcome on the
 * interpreter (`boundsCheck: false`), and on `engine` through `run`, `runFast`, then `run` again
 * (a fault must leave nothing behind).
 */
export function againstInterpreter(
  engine: Engine,
  src: string,
  options: LoadOptions = {},
): { interp: bigint | VmError; runs: (bigint | VmError)[] } {
  const runtime = new Runtime({ memoryBytes: SANDBOX_TEST_MEMORY });
  const program = loadInsns(runtime, assemble(src).insns, options);
  const interp = interpreter.prepare(program, { boundsCheck: false });
  const compiled = engine.prepare(program, { boundsCheck: false });
  try {
    return {
      interp: outcome(() => interp.run()),
      runs: [
        outcome(() => compiled.run()),
        outcome(() => BigInt(compiled.runFast(0, 0))),
        outcome(() => compiled.run()),
      ],
    };
  } finally {
    interp.dispose();
    compiled.dispose();
  }
}
