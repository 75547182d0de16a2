/**
 * Stacks zeroed on entry (program.ts's ZeroedStack) as every engine must zero them. Engines'
 * tests check `expect(got).toEqual(want)` for `zeroedStackRuns(engine)`, and run
 * ZEROED_STACK_FAULT through `againstInterpreter`.
 */
import { assemble } from '@tbpf/asm';
import type { Engine } from '../engine.js';
import { loadInsns } from '../loader.js';
import type { ZeroedStack } from '../program.js';
import { Runtime } from '../runtime.js';

/**
 * The entry reads fp-8 and fp-16, calls f twice, and leaves 0x11 and 0x22 there for the next
 * run; f (instruction 11) reads its fp-8 and leaves 0x300 there. r0: the sum of what was read.
 */
const READS_LEFTOVERS = `
ldxdw %r6, [%r10-8]
ldxdw %r1, [%r10-16]
add %r6, %r1
call local f
add %r6, %r0
call local f
add %r6, %r0
stdw [%r10-8], 0x11
stdw [%r10-16], 0x22
mov %r0, %r6
exit
f:
ldxdw %r0, [%r10-8]
stdw [%r10-8], 0x300
exit`;

const CASES: readonly { zeroed: ZeroedStack[]; want: bigint[] }[] = [
  // Nothing zeroed: each run and call sees what the last one left (a fresh stack is zero).
  { zeroed: [], want: [0x300n, 0x633n, 0x633n] },
  { zeroed: [{ insnIndex: 0, bytes: 16 }], want: [0x300n, 0x600n, 0x600n] },
  { zeroed: [{ insnIndex: 11, bytes: 8 }], want: [0n, 0x33n, 0x33n] },
  {
    zeroed: [
      { insnIndex: 0, bytes: 16 },
      { insnIndex: 11, bytes: 8 },
    ],
    want: [0n, 0n, 0n],
  },
];

/** r0 of three runs of READS_LEFTOVERS per case of zeroed stacks, and what they must be. */
export function zeroedStackRuns(engine: Engine): { got: bigint[][]; want: bigint[][] } {
  const got = CASES.map(({ zeroed }) => {
    const runtime = new Runtime({ memoryBytes: 1 << 16 });
    const prepared = engine.prepare(
      loadInsns(runtime, assemble(READS_LEFTOVERS).insns, { zeroedStacks: zeroed }),
    );
    try {
      return [prepared.run(), prepared.run(), prepared.run()];
    } finally {
      prepared.dispose();
    }
  });
  return { got, want: CASES.map((c) => c.want) };
}

/**
 * A program that was not verified moves r10 to just above the NULL guard and calls a function
 * whose 16 stack bytes are zeroed: the first store lands, the second is in the guard — a fault
 * at the call (pc 1) on every engine: [what, ubpf assembly, pc, zeroed stacks].
 */
export const ZEROED_STACK_FAULT = [
  'zeroing the stack of a function called from a moved r10',
  'mov %r10, 0x8208\ncall local f\nexit\nf:\nmov %r0, 1\nexit',
  1,
  [{ insnIndex: 3, bytes: 16 }],
] as const;
