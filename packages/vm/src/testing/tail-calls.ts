/** A tail-call scenario any engine runs, to compare with the interpreter (tests only). */
import { assemble } from '@tbpf/asm';
import type { Engine } from '../engine.js';
import { HELPER } from '../helpers/ids.js';
import { loadInsns } from '../loader.js';
import { MAP_TYPE } from '../maps/create.js';
import type { ProgArray } from '../maps/prog-array.js';
import { Runtime } from '../runtime.js';
import { runProgram } from '../tail-call.js';

/**
 * A program that counts its entries in an array map and tail-calls itself (slot 0) until Linux's
 * limit makes the call fall through (r0 = 5), and one that tail-calls a program reading the
 * context (r0 = ctx[0] + 1000). Returns both r0s and the count after two runs of the first.
 */
export function tailCallScenario(engine: Engine): { looping: bigint[]; entries: number; viaSlot: bigint } {
  const rt = new Runtime({ memoryBytes: 1 << 20 });
  const jumps = rt.createMap({
    name: 'jumps',
    type: MAP_TYPE.prog_array,
    keySize: 4,
    valueSize: 4,
    maxEntries: 4,
  });
  const counter = rt.createMap({
    name: 'counter',
    type: MAP_TYPE.array,
    keySize: 4,
    valueSize: 8,
    maxEntries: 1,
  });
  const prepare = (text: string) =>
    engine.prepare(
      loadInsns(rt, [
        { kind: 'lddw', source: 'map_fd', dst: 7, imm: counter.id, imm2: 0 },
        { kind: 'lddw', source: 'map_fd', dst: 8, imm: jumps.id, imm2: 0 },
        ...assemble(text).insns,
      ]),
    );
  const looping = prepare(`
    mov %r6, %r1
    stw [%r10-4], 0
    mov %r1, %r7
    mov %r2, %r10
    add %r2, -4
    call ${HELPER.map_lookup_elem}
    jeq %r0, 0, +2
    mov %r1, 1
    lock add [%r0+0], %r1
    mov %r1, %r6
    mov %r2, %r8
    mov %r3, 0
    call ${HELPER.tail_call}
    mov %r0, 5
    exit`);
  const reader = prepare('ldxw %r0, [%r1+0]\nadd %r0, 1000\nexit');
  const caller = prepare(`mov %r2, %r8\nmov %r3, 1\ncall ${HELPER.tail_call}\nmov %r0, 7\nexit`);
  (jumps as ProgArray).set(0, looping);
  (jumps as ProgArray).set(1, reader);
  const ctx = rt.allocData(Uint8Array.of(42, 0, 0, 0), 'ctx');
  try {
    return {
      looping: [runProgram(looping), runProgram(looping)],
      entries: Number(
        new DataView((counter.lookup(new Uint8Array(4)) ?? new Uint8Array(8)).buffer).getBigUint64(0, true),
      ),
      viaSlot: runProgram(caller, ctx.start, 4),
    };
  } finally {
    for (const p of [looping, reader, caller]) p.dispose();
  }
}
