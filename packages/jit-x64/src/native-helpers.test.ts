/**
 * The native helpers against their TypeScript twins: two identical runtimes run the same
 * seeded sequence of helper calls, one through the native helpers and one through the
 * trampoline into @tbpf/vm's implementations; r0 and every byte of memory must agree.
 */
import { add, call, exit, type Insn, ldxdw, mov, R1, R2, R3, R4, R6 } from '@tbpf/isa';
import { BPF_ADDRESS_BASE, HELPER, MAP_TYPE, type Region, type RingBuffer, Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './codegen/context.js';
import { JitEngine, type JitPrepared } from './engine.js';
import { plainProgram } from './testing/conformance.js';
import { nativeAvailable } from './testing/native.js';

/** ctx: [0] r1, [8] r2 (or an offset added to ctx), [16] r3, [24] r4, then data. */
const CTX = 256;

/** Loads r1..r4 from the context; `pointers` says which are ctx-relative offsets. */
function helperProgram(id: number, pointers: readonly number[]): Insn[] {
  const insns: Insn[] = [mov.reg(R6, R1)];
  [R1, R2, R3, R4].forEach((r, i) => {
    insns.push(ldxdw(r, R6, 8 * i));
    if (pointers.includes(i + 1)) insns.push(add.reg(r, R6));
  });
  insns.push(call(id), exit());
  return insns;
}

interface Side {
  runtime: Runtime;
  ctx: Region;
  programs: Map<string, JitPrepared>;
  mapPointers: number[];
}

function side(native: boolean): Side {
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const maps = [
    runtime.createMap({ name: 'hash', type: MAP_TYPE.hash, keySize: 5, valueSize: 12, maxEntries: 16 }),
    runtime.createMap({ name: 'lru', type: MAP_TYPE.lru_hash, keySize: 8, valueSize: 8, maxEntries: 6 }),
    runtime.createMap({ name: 'array', type: MAP_TYPE.array, keySize: 4, valueSize: 12, maxEntries: 10 }),
    runtime.createMap({
      name: 'percpu',
      type: MAP_TYPE.percpu_hash,
      keySize: 4,
      valueSize: 4,
      maxEntries: 3,
    }),
  ];
  const ctx = runtime.allocData(new Uint8Array(CTX), 'ctx');
  runtime.allocData(
    Uint8Array.from({ length: 64 }, (_, i) => (i * 7) & 0xff),
    'readonly',
    'host',
    false,
  );
  const engine = new JitEngine({ nativeHelpers: native });
  const programs = new Map<string, JitPrepared>();
  const add = (name: string, id: number, pointers: number[]) =>
    programs.set(
      name,
      engine.prepare(plainProgram(runtime, helperProgram(id, pointers)), { boundsCheck: false }),
    );
  add('lookup', HELPER.map_lookup_elem, [2]);
  add('update', HELPER.map_update_elem, [2, 3]);
  add('delete', HELPER.map_delete_elem, [2]);
  add('probe_read', HELPER.probe_read, [1]);
  add('probe_read_str', HELPER.probe_read_str, [1]);
  add('memcmp', HELPER.memcmp, [1]);
  add('load_pointer', HELPER.load_pointer, []);
  return { runtime, ctx, programs, mapPointers: maps.map((m) => m.pointer) };
}

describe.skipIf(!nativeAvailable())('native helpers = their TypeScript twins', () => {
  it('agree on r0 and memory over a seeded sequence of 3,000 calls', () => {
    const a = side(true);
    const b = side(false);
    const rnd = seededRandom(2026);
    const pick = <T>(xs: readonly T[]): T => xs[(rnd() >>> 0) % xs.length];
    const ctxAddr = BPF_ADDRESS_BASE + a.ctx.start;
    const pointerChoices = () => [
      ctxAddr + 64 + ((rnd() >>> 0) % 160), // inside the context
      BPF_ADDRESS_BASE + a.ctx.end - 4, // straddling its end
      BPF_ADDRESS_BASE + a.runtime.memory.regions.find((r) => r.name === 'readonly')!.start + 3, // read-only
      BPF_ADDRESS_BASE + 16, // below every region
      BPF_ADDRESS_BASE + (1 << 20) + 8, // beyond the memory
      0, // NULL
      0x2_0000_0000 + 64, // high half not 1
    ];
    let calls = 0;
    for (let step = 0; step < 3000; step++) {
      const op = pick([
        'lookup',
        'update',
        'update',
        'delete',
        'probe_read',
        'probe_read_str',
        'memcmp',
        'load_pointer',
      ]);
      const ctx = new Uint8Array(CTX);
      const view = new DataView(ctx.buffer);
      for (let i = 32; i < CTX; i++) ctx[i] = pick([0, 1, 2, 0x41, (rnd() >>> 0) & 0xff]);
      const args: number[] = [0, 0, 0, 0];
      if (op === 'lookup' || op === 'update' || op === 'delete') {
        args[0] = pick(a.mapPointers);
        args[1] = 32 + pick([0, 0, 8, 200, 252]); // key (ctx-relative); 252 straddles the end
        args[2] = 48 + pick([0, 0, 16, 250]); // value
        args[3] = pick([0, 0, 0, 1, 2, 3]);
        for (let i = 32; i < 48; i++) ctx[i] = (rnd() >>> 0) % 3; // few distinct keys: hits and collisions
      } else if (op === 'probe_read' || op === 'probe_read_str') {
        args[0] = 64 + pick([0, 32, 180]);
        args[1] = pick([0, 1, 8, 17, 40, 200, 0x8000_0000]);
        args[2] = pick(pointerChoices());
      } else if (op === 'memcmp') {
        args[0] = 64; // compared with r2 = an arbitrary pointer
        args[1] = pick(pointerChoices());
        args[2] = pick([0, 1, 5, 63, 64, -1]);
      } else {
        args[0] = pick(pointerChoices());
      }
      args.forEach((v, i) => {
        view.setBigUint64(8 * i, BigInt.asUintN(64, BigInt(v)), true);
      });
      let r0a: bigint | string;
      let r0b: bigint | string;
      a.runtime.memory.write(a.ctx.start, ctx);
      b.runtime.memory.write(b.ctx.start, ctx);
      try {
        r0a = a.programs.get(op)!.run(a.ctx.start);
      } catch (e) {
        r0a = (e as Error).message;
      }
      try {
        r0b = b.programs.get(op)!.run(a.ctx.start); // the same layout as a's
      } catch (e) {
        r0b = (e as Error).message;
      }
      expect({ step, op, r0: r0a }).toEqual({ step, op, r0: r0b });
      calls++;
      if (Buffer.compare(a.runtime.memory.bytes, b.runtime.memory.bytes) !== 0) {
        const at = a.runtime.memory.bytes.findIndex((x, i) => x !== b.runtime.memory.bytes[i]);
        expect.fail(`step ${step} (${op}): memory differs at offset ${at}`);
      }
    }
    expect(calls).toBe(3000);
    // The native side used the trampoline only where the twin had to throw.
    const trampolined = [...a.programs.values()].reduce((n, p) => n + p.trampolineCalls, 0);
    const all = [...b.programs.values()].reduce((n, p) => n + p.trampolineCalls, 0);
    expect(all).toBe(3000);
    expect(trampolined).toBeLessThan(all / 4);
  });

  it('agree on ring buffer reserve/submit/discard/output over 4,000 seeded calls', () => {
    const make = (native: boolean) => {
      const runtime = new Runtime({ memoryBytes: 1 << 20 });
      const ring = runtime.createMap({
        name: 'events',
        type: MAP_TYPE.ringbuf,
        keySize: 0,
        valueSize: 0,
        maxEntries: 256,
      });
      const ctx = runtime.allocData(new Uint8Array(CTX), 'ctx');
      const engine = new JitEngine({ nativeHelpers: native });
      const prep = (id: number, pointers: number[]) =>
        engine.prepare(plainProgram(runtime, helperProgram(id, pointers)), { boundsCheck: false });
      return {
        runtime,
        ring: ring as RingBuffer,
        ctx,
        reserve: prep(HELPER.ringbuf_reserve, []),
        submit: prep(HELPER.ringbuf_submit, []),
        discard: prep(HELPER.ringbuf_discard, []),
        output: prep(HELPER.ringbuf_output, [2]),
      };
    };
    const a = make(true);
    const b = make(false);
    const rnd = seededRandom(99);
    const u = (n: number) => (rnd() >>> 0) % n;
    const reserved: bigint[] = [];
    let rejected = 0;
    for (let step = 0; step < 4000; step++) {
      const ctx = new Uint8Array(CTX);
      const view = new DataView(ctx.buffer);
      for (let i = 32; i < CTX; i++) ctx[i] = u(256);
      const op = ['reserve', 'reserve', 'submit', 'discard', 'output', 'drain'][u(6)] as
        | 'reserve'
        | 'submit'
        | 'discard'
        | 'output'
        | 'drain';
      if (op === 'drain') {
        expect(a.ring.drain()).toEqual(b.ring.drain());
        continue;
      }
      const args =
        op === 'reserve'
          ? [BigInt(a.ring.pointer), BigInt([1, 7, 8, 24, 60, 100, 300, 0][u(8)]), BigInt([0, 0, 0, 1][u(4)])]
          : op === 'output'
            ? [BigInt(a.ring.pointer), 32n + BigInt(u(8)), BigInt([0, 1, 13, 40, 250, 300][u(6)])]
            : [
                reserved.length > 0 && u(8) > 0
                  ? reserved.splice(u(reserved.length), 1)[0]
                  : BigInt(BPF_ADDRESS_BASE + a.ctx.start),
              ];
      args.forEach((v, i) => {
        view.setBigUint64(8 * i, v, true);
      });
      a.runtime.memory.write(a.ctx.start, ctx);
      b.runtime.memory.write(b.ctx.start, ctx);
      const outcome = (p: JitPrepared, start: number) => {
        try {
          return p.run(start);
        } catch (e) {
          return (e as Error).message;
        }
      };
      const ra = outcome(a[op], a.ctx.start);
      const rb = outcome(b[op], b.ctx.start);
      expect({ step, op, r0: ra }).toEqual({ step, op, r0: rb });
      if (op === 'reserve' && typeof ra === 'bigint' && ra !== 0n) reserved.push(ra);
      if (typeof ra === 'string') rejected++;
      expect(Buffer.compare(a.runtime.memory.bytes, b.runtime.memory.bytes)).toBe(0);
    }
    // The native side went to the trampoline exactly for the calls the twin rejects.
    const trampolined = [a.reserve, a.submit, a.discard, a.output].reduce((n, p) => n + p.trampolineCalls, 0);
    expect(trampolined).toBe(rejected);
    expect(rejected).toBeLessThan(1000);
  });

  it('ktime_get_ns runs natively on the runtime clock', () => {
    const runtime = new Runtime();
    const p = new JitEngine().prepare(plainProgram(runtime, [call(HELPER.ktime_get_ns), exit()]), {
      boundsCheck: false,
    });
    const before = runtime.clock();
    const t = Number(p.run());
    const after = runtime.clock();
    expect(p.trampolineCalls).toBe(0);
    // the same clock (not a timing assertion: the margin only absorbs the offset's sampling)
    expect(t).toBeGreaterThanOrEqual(before - 5e6);
    expect(t).toBeLessThanOrEqual(after + 5e6);
    p.dispose();
  });
});
