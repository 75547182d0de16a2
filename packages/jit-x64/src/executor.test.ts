import { readFileSync } from 'node:fs';
import {
  add,
  call,
  callLocal,
  callx,
  exit,
  ja,
  jeq,
  jne,
  jne32,
  lddw,
  ldxdw,
  ldxw,
  mov,
  mov32,
  R0,
  R1,
  R2,
  R6,
  R7,
  R9,
  R10,
  stw,
  stxdw,
  stxw,
  sub,
} from '@tbpf/isa';
import { BPF_ADDRESS_BASE, HELPER, interpreter, MAP_TYPE, Runtime, VmError } from '@tbpf/vm';
import { tailCallScenario } from '@tbpf/vm/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { x64Engine } from './engine.js';
import { nativeAddon } from './native.js';
import { CONFINED_REACH, reservationProblem } from './reservation.js';
import { plainProgram } from './testing/conformance.js';
import { nativeAvailable } from './testing/native.js';

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
}

function mappings(): Mapping[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [range, perms] = line.split(' ');
      const [a, b] = range.split('-');
      return { start: BigInt(`0x${a}`), end: BigInt(`0x${b}`), perms };
    });
}

const writableExecutable = (ms: Mapping[]) => ms.filter((m) => m.perms[1] === 'w' && m.perms[2] === 'x');

describe.skipIf(!nativeAvailable())('native executor', () => {
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const addon = nativeAddon();
  if (!addon.ok) throw new Error(addon.reason);
  const prepared: { dispose(): void }[] = [];
  afterAll(() => {
    for (const p of prepared) p.dispose();
  });
  const prepare = (insns: Parameters<typeof plainProgram>[1]) => {
    const p = x64Engine.prepare(plainProgram(runtime, insns), { boundsCheck: false });
    prepared.push(p);
    return p;
  };

  it('maps code write-xor-execute: read+execute only, and adds no writable+executable mapping', () => {
    // Compile a while first: V8 adds RWX code space of its own as it optimises the compiler,
    // which must not count as ours.
    for (let i = 0; i < 200; i++) prepare([mov.imm(R0, i), exit()]).dispose();
    const before = writableExecutable(mappings());
    const programs = Array.from({ length: 20 }, (_, i) => prepare([mov.imm(R0, i), exit()]));
    const after = mappings();
    for (const [i, p] of programs.entries()) {
      const m = after.find((m) => p.codeAddress >= m.start && p.codeAddress < m.end);
      expect(m?.perms).toBe('r-xp');
      expect(p.run()).toBe(BigInt(i));
    }
    // V8 keeps RWX pages of its own (wasm); loading our programs must add none.
    expect(writableExecutable(after)).toEqual(before);
  });

  it('leaves no code of a disposed program executable (its pages unmapped, or kept inaccessible for the next load)', () => {
    const programs = Array.from({ length: 12 }, (_, i) => prepare([mov.imm(R0, i), exit()]));
    const addresses = programs.map((p) => p.codeAddress);
    for (const p of programs) p.dispose();
    const after = mappings();
    for (const at of addresses) {
      const m = after.find((m) => at >= m.start && at < m.end);
      if (m) expect(m.perms).toBe('---p');
    }
    // A pooled mapping is made writable, rewritten and read+execute again for the next program.
    const next = prepare([mov.imm(R0, 77), exit()]);
    expect(next.run()).toBe(77n);
    expect(mappings().find((m) => next.codeAddress >= m.start && next.codeAddress < m.end)?.perms).toBe(
      'r-xp',
    );
  });

  it("fills blinding's random values (RAND_bytes or getrandom)", () => {
    const a = new Int32Array(1024);
    const b = new Int32Array(1024);
    addon.addon.randomFill(a);
    addon.addon.randomFill(b);
    expect(new Set(a).size).toBeGreaterThan(1000);
    expect(a).not.toEqual(b);
    expect(() => addon.addon.randomFill(1 as never)).toThrow('randomFill(typedArray)');
  });

  it('confines every access: the memory is followed by 4 GiB of reserved address space', () => {
    const base = addon.addon.bufferAddress(runtime.memory.buffer);
    const ms = mappings().sort((a, b) => (a.start < b.start ? -1 : 1));
    let covered = base;
    const end = base + BigInt(CONFINED_REACH);
    for (const m of ms) if (m.start <= covered && m.end > covered) covered = m.end;
    expect(covered >= end).toBe(true);
    expect(reservationProblem(addon.addon, runtime.memory.buffer)).toBeUndefined();
    // A plain ArrayBuffer has no reservation behind it (prepare refuses it).
    const plain = new ArrayBuffer(1 << 16);
    expect(reservationProblem(addon.addon, plain)).toMatch(/not all reserved|readable/);
  });

  it('reads through any pointer land in the linear memory (low 32 bits are the offset)', () => {
    const region = runtime.allocData(Uint8Array.of(0x11, 0x22, 0x33, 0x44), 'probe', 'host');
    const p = prepare([lddw(R1, 0xdead_0000_0000_0000n + BigInt(region.start)), ldxw(R0, R1, 0), exit()]);
    expect(p.run()).toBe(0x44332211n);
    runtime.memory.free(region);
  });

  it('runFast returns the low 32 bits of r0 and takes r1 as an offset', () => {
    const region = runtime.allocData(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 'ctx');
    const p = prepare([
      ldxdw(R0, R1, 0),
      add.reg(R0, R2),
      lddw(R2, 0xffff_0000_0000_0000n),
      add.reg(R0, R2),
      exit(),
    ]);
    expect(p.run(region.start, 1)).toBe(0x0806_0605_0403_0202n);
    expect(p.runFast(region.start, 1)).toBe(0x0403_0202);
    runtime.memory.free(region);
  });

  it('gives each BPF function its own 512-byte frame below the caller', () => {
    // main: r6 = r10; call f; r0 = r6 - r0 (caller's r10 minus callee's r10)
    const p = prepare([
      mov.reg(R6, R10),
      callLocal(3),
      sub.reg(R6, R0),
      mov.reg(R0, R6),
      exit(),
      mov.reg(R0, R10),
      exit(),
    ]);
    expect(p.run()).toBe(512n);
  });

  it('keeps the stack in the linear memory', () => {
    const p = prepare([mov.imm(R1, 0x5a5a), stxdw(R10, R1, -8), mov.reg(R0, R10), exit()]);
    const r10 = p.run();
    const off = Number(r10 - BigInt(BPF_ADDRESS_BASE)) - 8;
    expect(runtime.memory.view.getUint32(off, true)).toBe(0x5a5a);
  });

  it('calls JavaScript helpers with the interpreter HelperCall, and callx by id', () => {
    const helpers = runtime.helpers.clone();
    const seen: bigint[] = [];
    helpers.register({ id: 77, name: 'sum', args: ['anything', 'anything'], ret: 'integer' }, (c) => {
      seen.push(c.u64(1), c.u64(2));
      return c.u64(1) + c.u64(2) + 1n;
    });
    const program = [
      lddw(R1, 0x1_0000_0001n),
      mov.imm(R2, -1),
      call(77),
      mov.reg(R7, R0),
      mov.imm(R6, 77),
      mov32.imm(R1, 5),
      mov.imm(R2, 3),
      callx(R6),
      add.reg(R0, R7),
      exit(),
    ];
    const p = x64Engine.prepare(plainProgram(runtime, program), { boundsCheck: false, helpers });
    prepared.push(p);
    expect(p.run()).toBe(5n + 3n + 1n + 0x1_0000_0001n);
    expect(seen[0]).toBe(0x1_0000_0001n);
    expect(seen[1]).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('callx reaches native helpers too, and their fallback to the twin', () => {
    const rt = new Runtime({ memoryBytes: 1 << 20 });
    const map = rt.createMap({ name: 'a', type: MAP_TYPE.array, keySize: 4, valueSize: 8, maxEntries: 4 });
    map.update(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0));
    // *(u32 *)(r10 - 4) = 2; r1 = map; r2 = r10 - 4; r6 = 1 (map_lookup_elem); callx r6; r0 = *(u64 *)r0
    const program = (mapPointer: bigint) => [
      stw(R10, -4, 2),
      lddw(R1, mapPointer),
      mov.reg(R2, R10),
      add.imm(R2, -4),
      mov.imm(R6, HELPER.map_lookup_elem),
      callx(R6),
      ldxdw(R0, R0, 0),
      exit(),
    ];
    const good = x64Engine.prepare(plainProgram(rt, program(BigInt(map.pointer))), { boundsCheck: false });
    expect(good.run()).toBe(9n);
    expect(good.trampolineCalls).toBe(0);
    const bad = x64Engine.prepare(plainProgram(rt, program(BigInt(map.pointer) + 8n)), {
      boundsCheck: false,
    });
    expect(() => bad.run()).toThrow(/not a map pointer/);
    expect(bad.trampolineCalls).toBe(1);
    good.dispose();
    bad.dispose();
  });

  it('makes many JavaScript helper calls in one run', () => {
    const helpers = runtime.helpers.clone();
    let calls = 0;
    helpers.register({ id: 79, name: 'count', args: [], ret: 'integer' }, () => ++calls);
    // r6 = 200000; loop: call count; r6 -= 1; if r6 != 0 goto loop; exit (r0 = last count)
    const program = [mov.imm(R6, 200_000), call(79), sub.imm(R6, 1), jne.imm(R6, 0, -3), exit()];
    const p = x64Engine.prepare(plainProgram(runtime, program), { boundsCheck: false, helpers });
    prepared.push(p);
    expect(p.run()).toBe(200_000n);
    expect(calls).toBe(200_000);
  });

  it('propagates a helper error and reports unknown helpers', () => {
    const helpers = runtime.helpers.clone();
    helpers.register({ id: 78, name: 'boom', args: [], ret: 'integer' }, () => {
      throw new VmError('helper-failed', 'boom');
    });
    const p = x64Engine.prepare(plainProgram(runtime, [call(78), exit()]), { boundsCheck: false, helpers });
    prepared.push(p);
    expect(() => p.run()).toThrow(/boom/);
    expect(() => p.runFast(0, 0)).toThrow(/boom/);
    // runFast's crossing reports a failure through the io block: the next run starts clean.
    const seven = prepare([mov.imm(R0, 7), exit()]);
    expect(seven.runFast(0, 0)).toBe(7);
    expect(() => p.runFast(0, 0)).toThrow(/boom/);
    expect(seven.runFast(0, 0)).toBe(7);
    seven.dispose();
    expect(() => seven.runFast(0, 0)).toThrowError(expect.objectContaining({ kind: 'load' }));
    const q = prepare([mov.imm(R1, 9999), callx(R1), exit()]);
    expect(() => q.run()).toThrowError(
      expect.objectContaining({
        kind: 'unknown-helper',
        message: expect.stringMatching(/callx: no helper with id 9999\b/),
      }),
    );
  });

  it('leaves a run a helper ended from inside a BPF function, as the interpreter does, and runs again', () => {
    // A helper that throws or stops the program makes the code leave from the callee's frame
    // (env.unwinding): the caller must not go on (it counts in the context what it did after
    // f), and the next runs must find the stack and the caller's registers intact.
    let mode: 'ok' | 'throw' | 'stop' = 'ok';
    const counter = runtime.allocData(new Uint8Array(4), 'counter');
    const after = () => runtime.memory.view.getUint32(counter.start, true);
    const helpers = runtime.helpers.clone();
    helpers.register({ id: 77, name: 'maybe', args: [], ret: 'integer' }, (c) => {
      if (mode === 'throw') throw new VmError('helper-failed', 'boom');
      if (mode === 'stop') c.stop(42);
      return 1;
    });
    // main: r6 = ctx; r0 = f(); *(u32 *)r6 += 1; r0 += 7. f: r6 = 100; r0 = maybe() + r6.
    const program = plainProgram(runtime, [
      mov.reg(R6, R1),
      callLocal(5),
      ldxw(R9, R6, 0),
      add.imm(R9, 1),
      stxw(R6, R9, 0),
      add.imm(R0, 7),
      exit(),
      mov.imm(R6, 100),
      call(77),
      add.reg(R0, R6),
      exit(),
    ]);
    const runs = (engine: typeof x64Engine | typeof interpreter) => {
      const p = engine.prepare(program, { boundsCheck: false, helpers });
      const out: string[] = [];
      runtime.memory.view.setUint32(counter.start, 0, true);
      for (const m of ['ok', 'throw', 'ok', 'stop', 'ok', 'throw', 'stop', 'ok'] as const) {
        mode = m;
        try {
          out.push(`${m}: ${p.run(counter.start)} ${p.runFast(counter.start, 0)} after ${after()}`);
        } catch (e) {
          out.push(`${m}: ${(e as Error).message} after ${after()}`);
        }
      }
      p.dispose();
      return out;
    };
    const jit = runs(x64Engine);
    expect(jit).toEqual(runs(interpreter));
    expect(jit.slice(0, 4)).toEqual([
      'ok: 108 108 after 2',
      expect.stringMatching(/boom.* after 2$/),
      'ok: 108 108 after 4',
      'stop: 42 42 after 4',
    ]);
  });

  it("gives the interpreter's results where a jump's test reuses flags, or must not", () => {
    const programs = [
      // 64-bit result 2^32: its low half is 0, so a 32-bit jne is not taken, a 64-bit one is.
      [
        lddw(R1, 0x1_0000_0001n),
        sub.imm(R1, 1),
        jne32.imm(R1, 0, 2),
        mov.imm(R0, 7),
        exit(),
        mov.imm(R0, 9),
        exit(),
      ],
      [
        lddw(R1, 0x1_0000_0001n),
        sub.imm(R1, 1),
        jne.imm(R1, 0, 2),
        mov.imm(R0, 7),
        exit(),
        mov.imm(R0, 9),
        exit(),
      ],
      // The jne is reached by a jump from where the sub's flags do not hold: r1 = 1, and the
      // flags are those of zeroing r2.
      [
        mov.imm(R1, 1),
        mov.imm(R2, 0),
        ja(1),
        sub.imm(R1, 1),
        jne.imm(R1, 0, 2),
        mov.imm(R0, 7),
        exit(),
        mov.imm(R0, 9),
        exit(),
      ],
      // r0 = 0 needs no code at the start; r0 = 0 after a branch lands there does.
      [mov.imm(R0, 0), mov32.imm(R0, 0), exit()],
      [mov.imm(R0, 0), add.imm(R0, 5), add.imm(R6, 1), jeq.imm(R6, 1, -4), exit()],
    ];
    for (const insns of programs) {
      const program = plainProgram(runtime, insns);
      const p = x64Engine.prepare(program, { boundsCheck: false });
      prepared.push(p);
      expect(
        p.run(),
        JSON.stringify(insns, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
      ).toBe(interpreter.prepare(program).run());
    }
  });

  it('refuses bounds checking and instruction limits, and cannot run after dispose', () => {
    const program = plainProgram(runtime, [mov.imm(R0, 1), exit()]);
    expect(() => x64Engine.prepare(program, { boundsCheck: true })).toThrow(/boundsCheck: true/);
    expect(() => x64Engine.prepare(program, { instructionLimit: 10 })).toThrow(/instruction limit/);
    const p = x64Engine.prepare(program, { boundsCheck: false });
    p.dispose();
    expect(() => p.run()).toThrow(
      expect.objectContaining({ kind: 'load', message: 'the prepared program was disposed' }),
    );
  });

  it("tail calls (runProgram) give the interpreter's results: the chain limit, the context passed on", () => {
    expect(tailCallScenario(x64Engine)).toEqual(tailCallScenario(interpreter));
  });

  it('runs N calls in a C loop for benchmarks', () => {
    const p = prepare([mov.imm(R0, 1), exit()]);
    expect(p.benchNative(0, 0, 0, 1000)).toBeGreaterThan(0);
  });
});
