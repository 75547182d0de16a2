import { assemble } from '@tbpf/asm';
import { type Insn, lddwPseudo } from '@tbpf/isa';
import { interpreter, loadInsns, MAP_TYPE, RingBuffer, Runtime } from '@tbpf/vm';
import { describe, expect, it, vi } from 'vitest';
import { wasmEngine } from './engine.js';

/**
 * Per run: r6 = r2's low byte picks sizes. reserve(len) → fill → submit or discard (alternating),
 * then ringbuf_output of 24 stack bytes, a reserve with flags (must fail) and one of size 0.
 * r0 accumulates every result so failures (NULL, -EAGAIN) show.
 */
const text = `
  mov %r6, %r2
  and %r6, 0xff
  mov %r7, 0
  mov %r8, 0
  loop:
  RING
  mov %r2, %r6
  add %r2, %r8
  and %r2, 63
  add %r2, 1
  mov %r3, 0
  call 131
  jeq %r0, 0, none
  stdw [%r0+0], 0x55
  mov %r1, %r0
  mov %r2, 0
  mov %r9, %r8
  and %r9, 1
  jeq %r9, 0, sub
  call 133
  ja next
  sub:
  call 132
  next:
  add %r7, 1
  none:
  add %r8, 1
  jlt %r8, 5, loop
  stdw [%r10-24], 1
  stdw [%r10-16], 2
  stdw [%r10-8], 3
  RING
  mov %r2, %r10
  add %r2, -24
  mov %r3, 24
  mov %r4, 0
  call 130
  lsh %r7, 8
  add %r7, %r0
  RING
  mov %r2, 8
  mov %r3, 1
  call 131
  add %r7, %r0
  RING
  mov %r2, 0
  mov %r3, 0
  call 131
  add %r7, %r0
  mov %r0, %r7
  exit`;

function program(fd: number): Insn[] {
  const insns = assemble(text.replaceAll('RING', 'lddw %r1, 0x5eed')).insns;
  return insns.map((insn) =>
    insn.kind === 'lddw' && insn.imm === 0x5eed ? lddwPseudo('map_fd', 1, fd) : insn,
  );
}

function world() {
  const runtime = new Runtime({ memoryBytes: 1 << 16 });
  const ring = runtime.createMap({
    name: 'events',
    type: MAP_TYPE.ringbuf,
    keySize: 0,
    valueSize: 0,
    maxEntries: 256,
  });
  return { runtime, ring: ring as RingBuffer };
}

describe('native ring buffer helpers', () => {
  it('reserve/submit/discard/output agree with the interpreter through wrap-around, padding and full rings', () => {
    const a = world();
    const b = world();
    const insns = program(a.ring.id);
    const pa = interpreter.prepare(loadInsns(a.runtime, insns));
    const pb = wasmEngine.prepare(loadInsns(b.runtime, insns));
    expect((pb as unknown as { compiled: { nativeHelpers: number[] } }).compiled.nativeHelpers).toEqual([
      130, 131, 132, 133,
    ]);
    const scratch = b.runtime.memory.regions.filter((r) => r.kind === 'scratch');
    const results: bigint[] = [];
    for (let n = 0; n < 40; n++) {
      const want = pa.run(0, n * 37);
      const js = [vi.spyOn(RingBuffer.prototype, 'reserve'), vi.spyOn(RingBuffer.prototype, 'submit')];
      expect(pb.run(0, n * 37)).toBe(want);
      // Every call stayed in WebAssembly.
      expect(js.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
      vi.restoreAllMocks();
      results.push(want);
      const x = a.runtime.memory.bytes;
      const y = b.runtime.memory.bytes.slice();
      for (const r of scratch) y.fill(0, r.start, r.end);
      expect(y.findIndex((v, i) => v !== x[i])).toBe(-1);
      // Consume now and then so the ring both fills up and wraps.
      if (n % 3 === 2) {
        const got: string[] = [];
        const want2: string[] = [];
        a.ring.consume((p) => want2.push(Buffer.from(p).toString('hex')));
        b.ring.consume((p) => got.push(Buffer.from(p).toString('hex')));
        expect(got).toEqual(want2);
      }
    }
    // The runs saw both successful and failed reservations.
    expect(new Set(results).size).toBeGreaterThan(3);
  });
});
