import { describe, expect, it } from 'vitest';
import { VmError } from './errors.js';
import { HELPER } from './helpers/ids.js';
import { interpreter } from './interp/interpreter.js';
import { loadInsns } from './loader.js';
import { MAP_TYPE } from './maps/create.js';
import type { ProgArray } from './maps/prog-array.js';
import { MAX_TAIL_CALLS, runProgram } from './tail-call.js';
import { lddwMap, newRuntime, program } from './testing/run.js';
import { tailCallScenario } from './testing/tail-calls.js';

function setup(slots = 4) {
  const rt = newRuntime();
  const jumps = rt.createMap({
    name: 'jumps',
    type: MAP_TYPE.prog_array,
    keySize: 4,
    valueSize: 4,
    maxEntries: slots,
  }) as ProgArray;
  const counter = rt.createMap({
    name: 'counter',
    type: MAP_TYPE.array,
    keySize: 4,
    valueSize: 8,
    maxEntries: 1,
  });
  const prepare = (text: string) => interpreter.prepare(loadInsns(rt, program(text, [lddwMap(2, jumps)])));
  return { rt, jumps, counter, prepare };
}

/** r6 = ctx; tail call slot `index`; what follows runs only when the call falls through. */
const callSlot = (index: number, after: string) => `
  mov %r6, %r1
  mov %r3, ${index}
  call ${HELPER.tail_call}
  ${after}`;

describe('tail calls (bpf_tail_call through a program array)', () => {
  it('jumps to the slot: the target runs with the same context and its r0 is the result', () => {
    const { rt, jumps, prepare } = setup();
    const ctx = rt.allocData(Uint8Array.of(42, 0, 0, 0), 'ctx');
    const target = prepare('ldxw %r0, [%r1+0]\nadd %r0, 1000\nexit');
    jumps.set(1, target);
    const caller = prepare(callSlot(1, 'mov %r0, 7\nexit'));
    expect(runProgram(caller, ctx.start, 4)).toBe(1042n);
  });

  it('falls through when the slot is empty or past max_entries, as Linux does', () => {
    const { jumps, prepare } = setup();
    jumps.set(0, prepare('mov %r0, 1\nexit'));
    expect(runProgram(prepare(callSlot(2, 'mov %r0, 7\nexit')))).toBe(7n);
    expect(runProgram(prepare(callSlot(99, 'mov %r0, 8\nexit')))).toBe(8n);
    jumps.set(0, undefined);
    expect(runProgram(prepare(callSlot(0, 'mov %r0, 9\nexit')))).toBe(9n);
  });

  it(`chains at most ${MAX_TAIL_CALLS} tail calls per run; the next falls through (a program calling itself)`, () => {
    expect(tailCallScenario(interpreter)).toEqual({
      looping: [5n, 5n],
      entries: 2 * (MAX_TAIL_CALLS + 1),
      viaSlot: 1042n,
    });
  });

  it('refuses to jump when the run does not go through runProgram, and slots outside the map or runtime', () => {
    const { jumps, prepare } = setup(2);
    jumps.set(0, prepare('mov %r0, 1\nexit'));
    const caller = prepare(callSlot(0, 'exit'));
    expect(() => caller.run()).toThrow(/runProgram/);
    expect(() => jumps.set(2, caller)).toThrow(VmError);
    const other = setup();
    expect(() => jumps.set(1, other.prepare('exit'))).toThrow(/another runtime/);
  });
});
