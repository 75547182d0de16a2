import { ALU_OPS, ATOMIC_OPS, encode, type Insn, JMP_OPS } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { HELPER_CLOBBERS_ZEROED } from '../engine.js';
import { VmError } from '../errors.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../limits.js';
import { loadBytes, loadInsns, loadLinked } from '../loader.js';
import { addressOf, NULL_GUARD } from '../memory.js';
import { addressConvention } from '../testing/convention.js';
import { newRuntime, program, runOn } from '../testing/run.js';
import { againstInterpreter, SANDBOX_ESCAPES, SANDBOX_TEST_MEMORY } from '../testing/sandbox.js';
import { ZEROED_STACK_FAULT, zeroedStackRuns } from '../testing/zeroed-stacks.js';
import { interpreter } from './interpreter.js';

/** The VmError a run throws (fails the test if it returns). */
function failure(run: () => unknown): VmError {
  try {
    run();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw new Error(`not a VmError: ${e}`);
  }
  throw new Error('the run did not fail');
}

it('a helper call leaves r1–r5 zero (HELPER_CLOBBERS_ZEROED, written out in invoke) and r6 as it was', () => {
  expect(HELPER_CLOBBERS_ZEROED).toEqual([1, 2, 3, 4, 5]);
  const regs = [1, 2, 3, 4, 5, 6].map((r) => `mov %r${r}, ${r}`).join('\n');
  const after = [1, 2, 3, 4, 5].map((r) => `or %r0, %r${r}`).join('\n');
  const insns = program(`${regs}\ncall 5\nmov %r0, 0\n${after}\nlsh %r6, 8\nor %r0, %r6\nexit`);
  expect(runOn(newRuntime(), insns)).toBe(0x600n);
});

it('run and runFast take the context as an offset (0: r1 = 0) and r2', () => {
  const { got, want } = addressConvention(interpreter);
  expect(got).toEqual(want);
});

describe('stacks zeroed on entry (LoadOptions.zeroedStacks)', () => {
  it('zeroes the stacks asked for when their functions are entered, and only those', () => {
    const { got, want } = zeroedStackRuns(interpreter);
    expect(got).toEqual(want);
  });

  it('zeroing from a moved r10 faults at the call, as a store there would', () => {
    const [, src, pc, zeroedStacks] = ZEROED_STACK_FAULT;
    const { interp } = againstInterpreter(interpreter, src, { zeroedStacks });
    expect(interp).toMatchObject({ kind: 'out-of-bounds', pc });
  });

  it('refuses a zeroed stack that names no instruction or is not whole slots of one frame', () => {
    const rt = newRuntime();
    const insns = program('mov %r0, 0\nexit');
    expect(() => loadInsns(rt, insns, { zeroedStacks: [{ insnIndex: 2, bytes: 8 }] })).toThrow(
      'zeroed stack: no instruction 2',
    );
    expect(() => loadInsns(rt, insns, { zeroedStacks: [{ insnIndex: 0, bytes: 12 }] })).toThrow(
      'zeroed stack: 12 bytes is not a multiple of 8 up to 512',
    );
    expect(() => loadInsns(rt, insns, { zeroedStacks: [{ insnIndex: 0, bytes: 520 }] })).toThrow(
      'zeroed stack: 520 bytes',
    );
  });
});

describe('bad programs end in a typed VmError with the pc', () => {
  const rt = newRuntime();

  it('unknown opcode (raw bytes)', () => {
    const bytes = Uint8Array.from([0xb7, 0, 0, 0, 1, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0]);
    expect(failure(() => loadBytes(rt, bytes))).toMatchObject({ kind: 'unknown-opcode', pc: 1 });
  });

  it('jump out of range', () => {
    const insns: Insn[] = [{ kind: 'ja', off: 5 }, { kind: 'exit' }];
    const e = failure(() => interpreter.prepare(loadInsns(rt, insns)));
    expect(e).toMatchObject({ kind: 'bad-jump', pc: 0 });
    expect(e.message).toBe('pc 0: jump out of range (slot 6)');
  });

  it('instruction limit', () => {
    const e = failure(() => runOn(rt, program('l:\nja l\nexit'), 0, 0, { instructionLimit: 1000 }));
    expect(e).toMatchObject({ kind: 'instruction-limit', pc: 0 });
  });

  it('call depth', () => {
    const e = failure(() => runOn(rt, program('call local f\nexit\nf:\ncall local f\nexit')));
    expect(e).toMatchObject({ kind: 'call-depth', pc: 2 });
    expect(e.message).toContain(`more than ${MAX_CALL_FRAMES} nested calls`);
  });

  it('with region checks, out-of-bounds reads and writes name pc, address and size', () => {
    const checked = { boundsCheck: true } as const;
    const read = failure(() => runOn(rt, program('mov %r0, 1\nldxdw %r0, [%r1+8]\nexit'), 0, 0, checked));
    expect(read).toMatchObject({ kind: 'out-of-bounds', pc: 1, address: 8n, size: 8 });
    expect(read.message).toBe('pc 1: invalid read of 8 bytes at 0x8: is outside every memory region');
    const ctx = rt.allocData(new Uint8Array(4), 'ctx');
    const cross = failure(() => runOn(rt, program('ldxw %r0, [%r1+2]\nexit'), ctx.start, 0, checked));
    expect(cross.message).toMatch(
      /^pc 0: invalid read of 4 bytes at 0x1[0-9a-f]{8}: crosses the end of region 'ctx'$/,
    );
    const stack = failure(() => runOn(rt, program('stb [%r10+0], 1\nexit'), 0, 0, checked));
    expect(stack).toMatchObject({ kind: 'out-of-bounds', pc: 0, size: 1 });
    // Constant-offset frame accesses skip the check only while nothing can move r10.
    const moved = failure(() =>
      runOn(rt, program('lddw %r10, 0x100000010\nstb [%r10-8], 1\nexit'), 0, 0, checked),
    );
    expect(moved).toMatchObject({ kind: 'out-of-bounds', pc: 1, address: 0x100000008n });
    const hooked = failure(() =>
      runOn(rt, program('stb [%r10-8], 1\nexit'), 0, 0, {
        ...checked,
        debug: (_pc, lo) => {
          lo[10] = 16;
          return true;
        },
      }),
    );
    expect(hooked).toMatchObject({ kind: 'out-of-bounds', pc: 0 });
    const ro = rt.allocData(new Uint8Array(8), 'ro', 'host', false);
    const write = failure(() => runOn(rt, program('stxw [%r1+0], %r1\nexit'), ro.start, 0, checked));
    expect(write.message).toMatch(/region 'ro' is read-only/);
    expect(runOn(rt, program('ldxw %r0, [%r1+4]\nexit'), ro.start, 0, checked)).toBe(0n);
  });

  it('without region checks (the default on every engine), the sandbox rule: a read-only region is writable', () => {
    const ro = rt.allocData(new Uint8Array(8), 'ro default', 'host', false);
    expect(runOn(rt, program('stw [%r1+4], 7\nldxw %r0, [%r1+4]\nexit'), ro.start)).toBe(7n);
    expect(failure(() => runOn(rt, program('ldxdw %r0, [%r1+8]\nexit')))).toMatchObject({
      kind: 'out-of-bounds',
      message: expect.stringMatching(/NULL guard/),
    });
  });

  it('running past the end', () => {
    expect(failure(() => runOn(rt, program('mov %r0, 1\nexit').slice(0, 1)))).toMatchObject({
      kind: 'fell-off',
      pc: 1,
    });
  });

  it('callx to a missing helper, and kfunc calls', () => {
    expect(failure(() => runOn(rt, program('mov %r2, 77\ncallx %r2\nexit')))).toMatchObject({
      kind: 'unknown-helper',
      pc: 1,
    });
    const kfunc: Insn[] = [{ kind: 'call', target: 'kfunc', imm: 12 }, { kind: 'exit' }];
    expect(failure(() => runOn(rt, kfunc)).message).toBe('pc 0: kfunc calls are not supported (BTF id 12)');
  });

  it('with bounds checks off, the sandbox rule: any byte above the NULL guard, nothing else', () => {
    const sandbox = { boundsCheck: false } as const;
    const size = rt.memory.size;
    // r1 = any 64-bit value: set by an lddw, so each access below is at pc 1.
    const run = (src: string, r1 = 0n) =>
      runOn(rt, program(`lddw %r1, 0x${r1.toString(16)}\n${src}`), 0, 0, sandbox);
    // NULL + 8 and the whole guard fault, as on the JITs.
    expect(failure(() => run('ldxdw %r0, [%r1+8]\nexit'))).toMatchObject({ kind: 'out-of-bounds', pc: 1 });
    expect(failure(() => run(`ldxb %r0, [%r1+${NULL_GUARD - 1}]\nexit`, addressOf(0)))).toMatchObject({
      kind: 'out-of-bounds',
    });
    // The high half is ignored; the first byte above the guard and the last byte are reachable.
    expect(run(`ldxb %r0, [%r1+0]\nexit`, 0x7_0000_0000n + BigInt(NULL_GUARD))).toBe(0n);
    expect(run(`stb [%r1+0], 7\nldxb %r0, [%r1+0]\nexit`, addressOf(size - 1))).toBe(7n);
    // An 8-byte store that crosses the end writes nothing.
    const at = size - 4;
    rt.memory.bytes.fill(0xaa, at, size);
    const e = failure(() => run('stdw [%r1+0], 0\nexit', addressOf(at)));
    expect(e).toMatchObject({ kind: 'out-of-bounds', pc: 1, size: 8 });
    expect(e.message).toMatch(/outside the linear memory or inside its NULL guard/);
    expect([...rt.memory.bytes.subarray(at, size)]).toEqual([0xaa, 0xaa, 0xaa, 0xaa]);
    // Wrapping: low half 0xffff_fff8 + 16 is offset 8, inside the guard.
    expect(failure(() => run('ldxb %r0, [%r1+16]\nexit', 0x1_ffff_fff8n))).toMatchObject({ pc: 1 });
  });

  it.each(
    SANDBOX_ESCAPES,
  )('with bounds checks off, a program leaving the window faults: %s', (_, src, pc) => {
    const sandboxed = newRuntime({ memoryBytes: SANDBOX_TEST_MEMORY });
    const e = failure(() => runOn(sandboxed, program(src), 0, 0, { boundsCheck: false }));
    expect(e).toMatchObject({ kind: 'out-of-bounds', pc });
  });

  it('with bounds checks off, an access outside the linear memory is still a VmError', () => {
    const e = failure(() =>
      runOn(rt, program('lddw %r1, 0x17fffff00\nldxdw %r0, [%r1+0]\nexit'), 0, 0, { boundsCheck: false }),
    );
    expect(e).toMatchObject({ kind: 'out-of-bounds', pc: 1 });
  });
});

describe('calls and frames', () => {
  it('gives each call its own 512-byte stack and restores r6–r10', () => {
    const rt = newRuntime();
    const src = [
      'mov %r6, 6',
      'stdw [%r10-8], 100',
      'mov %r1, %r10',
      'call local f',
      'ldxdw %r1, [%r10-8]', // untouched by f's own stack use
      'add %r0, %r1',
      'add %r0, %r6',
      'exit',
      'f:',
      'stdw [%r10-8], 5', // f's frame
      'mov %r6, 99',
      'ldxdw %r0, [%r1-8]', // the caller's slot through a pointer
      'mov %r2, %r10',
      'sub %r1, %r2',
      'add %r0, %r1', // + distance between the frames
      'exit',
    ].join('\n');
    expect(runOn(rt, program(src))).toBe(BigInt(100 + STACK_SIZE + 100 + 6));
  });

  it('allows exactly MAX_CALL_FRAMES frames', () => {
    const rt = newRuntime();
    const depth = (n: number) =>
      program(
        [
          'mov %r1, 0',
          'call local f',
          'exit',
          'f:',
          'add %r1, 1',
          `jge %r1, ${n}, done`,
          'call local f',
          'done:',
          'mov %r0, %r1',
          'exit',
        ].join('\n'),
      );
    expect(runOn(rt, depth(MAX_CALL_FRAMES - 1))).toBe(BigInt(MAX_CALL_FRAMES - 1));
    expect(() => runOn(rt, depth(MAX_CALL_FRAMES))).toThrow(/nested calls/);
  });
});

describe('switches', () => {
  it('the debug hook sees pc and registers before each instruction and can stop the run', () => {
    const rt = newRuntime();
    const trace: string[] = [];
    const prepared = interpreter.prepare(
      loadInsns(rt, program('mov %r0, 1\nadd %r0, 2\nlddw %r3, 0x100000005\nexit')),
      {
        debug: (pc, lo, hi) => {
          trace.push(`${pc}:${lo[0]}:${hi[3]}`);
          return true;
        },
      },
    );
    expect(prepared.run()).toBe(3n);
    expect(trace).toEqual(['0:0:0', '1:1:0', '2:3:0', '3:3:1']);
    expect(prepared.lastInstructionCount).toBe(4);
    const stopped = interpreter.prepare(loadInsns(rt, program('mov %r0, 1\nexit')), {
      debug: (pc) => pc < 1,
    });
    expect(failure(() => stopped.run())).toMatchObject({ kind: 'stopped', pc: 1 });
  });

  it('runFast puts r1 at an offset of the memory and returns the low 32 bits of r0', () => {
    const rt = newRuntime();
    const ctx = rt.allocData(Uint8Array.of(1, 2, 3, 4), 'ctx');
    const p = interpreter.prepare(
      loadInsns(rt, program('ldxw %r0, [%r1+0]\nlsh %r0, 8\nadd %r0, %r2\nexit')),
    );
    expect(p.runFast(ctx.start, 0x10)).toBe(0x03020110);
    expect(p.run(ctx.start, 0x10)).toBe(0x0403020110n);
    const hi = interpreter.prepare(loadInsns(rt, program('lddw %r0, 0x1ffffffff\nexit')));
    expect(hi.runFast(ctx.start, 0)).toBe(0xffffffff);
    p.dispose();
    expect(() => p.run()).toThrow(/disposed/);
  });

  it('legacy packet loads read big-endian from the packet and return 0 outside it', () => {
    const rt = newRuntime();
    const pkt = rt.allocData(Uint8Array.of(0x45, 0, 0, 0x54, 0xaa, 0xbb), 'pkt');
    const ldabs: Insn[] = [{ kind: 'ldabs', size: 2, imm: 2 }, { kind: 'exit' }];
    expect(runOn(rt, ldabs, pkt.start, 6)).toBe(0x0054n);
    const ldind: Insn[] = [
      { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 7, src: 0, imm: 1 },
      { kind: 'ldind', size: 4, src: 7, imm: 1 },
      { kind: 'exit' },
    ];
    expect(runOn(rt, ldind, pkt.start, 6)).toBe(0x0054aabbn);
    const outside: Insn[] = [
      { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 9 },
      { kind: 'ldabs', size: 4, imm: 4 },
      { kind: 'exit' },
    ];
    expect(runOn(rt, outside, pkt.start, 6)).toBe(0n);
  });
});

describe('loading', () => {
  it('creates a LinkedProgram’s maps and resolves map_idx / map_idx_value', () => {
    const rt = newRuntime();
    const insns: Insn[] = [
      { kind: 'lddw', source: 'map_idx_value', dst: 1, imm: 1, imm2: 4 },
      { kind: 'ldx', size: 4, signed: false, dst: 0, src: 1, off: 0 },
      { kind: 'lddw', source: 'map_idx_value', dst: 2, imm: 0, imm2: 0 },
      { kind: 'stx', size: 4, dst: 2, src: 0, off: 0 },
      { kind: 'lddw', source: 'map_idx', dst: 3, imm: 0, imm2: 0 },
      { kind: 'exit' },
    ];
    const loaded = loadLinked(rt, {
      name: 'p',
      section: 'socket',
      insns,
      maps: [
        {
          name: '.bss',
          type: 2,
          typeName: 'array',
          origin: 'global-data',
          section: '.bss',
          keySize: 4,
          valueSize: 4,
          maxEntries: 1,
          flags: 0,
        },
        {
          name: '.rodata',
          type: 2,
          typeName: 'array',
          origin: 'global-data',
          section: '.rodata',
          keySize: 4,
          valueSize: 8,
          maxEntries: 1,
          flags: 0x80,
          readOnly: true,
          initialData: Uint8Array.of(0, 0, 0, 0, 42, 0, 0, 0),
        },
      ],
      functionStarts: [{ name: 'p', insnIndex: 0 }],
      funcInfo: [],
      lineInfo: [],
    });
    expect(loaded.maps.map((m) => m.name)).toEqual(['.bss', '.rodata']);
    expect(loaded.constants[4]?.map).toBe(loaded.maps[0]);
    expect(BigInt(loaded.constants[4]!.hi) * 2n ** 32n + BigInt(loaded.constants[4]!.lo >>> 0)).toBe(
      BigInt(loaded.maps[0].pointer),
    );
    expect(interpreter.prepare(loaded).run()).toBe(42n);
    expect(loaded.maps[0].lookup(Uint8Array.of(0, 0, 0, 0))).toEqual(Uint8Array.of(42, 0, 0, 0));
    const bad: Insn[] = [{ kind: 'lddw', source: 'map_idx', dst: 1, imm: 3, imm2: 0 }, { kind: 'exit' }];
    expect(failure(() => loadInsns(rt, bad))).toMatchObject({ kind: 'load', pc: 0 });
    expect(
      failure(() =>
        loadInsns(rt, [{ kind: 'lddw', source: 'var_addr', dst: 1, imm: 3, imm2: 0 }, { kind: 'exit' }]),
      ).message,
    ).toMatch(/not supported/);
  });

  it('loads raw bytes as encoded by @tbpf/isa', () => {
    const rt = newRuntime();
    expect(interpreter.prepare(loadBytes(rt, encode(program('mov %r0, 7\nexit')))).run()).toBe(7n);
  });
});

describe('seeded fuzz: random programs end in a result or a VmError', () => {
  it('never throws anything else', () => {
    let seed = 0x5eed;
    const rand = (n: number) => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
    const reg = () => rand(10);
    const base = () => pick([1, 10, 10, reg()]);
    const imm = () => pick([0, 1, -1, 7, 0x7fffffff, -0x80000000, rand(64) - 32]);
    const gen = (): Insn => {
      switch (rand(12)) {
        case 0:
        case 1:
        case 2: {
          const op = pick(ALU_OPS);
          const source = op.startsWith('movsx') ? 'reg' : pick(['imm', 'reg'] as const);
          return {
            kind: 'alu',
            width: op === 'movsx32' ? 64 : pick([32, 64] as const),
            op,
            source,
            dst: reg(),
            src: reg(),
            imm: imm(),
          };
        }
        case 3:
          return {
            kind: 'jmp',
            width: pick([32, 64] as const),
            op: pick(JMP_OPS),
            source: pick(['imm', 'reg'] as const),
            dst: reg(),
            src: reg(),
            imm: imm(),
            off: rand(7) - 3,
          };
        case 4:
          return {
            kind: 'ldx',
            size: pick([1, 2, 4, 8] as const),
            signed: false,
            dst: reg(),
            src: base(),
            off: rand(80) - 16,
          };
        case 5:
          return { kind: 'stx', size: pick([1, 2, 4, 8] as const), dst: base(), src: reg(), off: -rand(40) };
        case 6:
          return {
            kind: 'st',
            size: pick([1, 2, 4, 8] as const),
            dst: base(),
            off: rand(70) - 10,
            imm: imm(),
          };
        case 7:
          return {
            kind: 'atomic',
            size: pick([4, 8] as const),
            op: pick(ATOMIC_OPS),
            fetch: rand(2) === 0,
            dst: base(),
            src: reg(),
            off: -8 * rand(4),
          };
        case 8:
          return { kind: 'call', target: 'helper', imm: rand(10) };
        case 9:
          return {
            kind: 'end',
            op: pick(['le', 'be', 'bswap'] as const),
            bits: pick([16, 32, 64] as const),
            dst: reg(),
          };
        case 10:
          return { kind: 'lddw', source: 'imm64', dst: reg(), imm: imm(), imm2: pick([0, 1, -1]) };
        default:
          return rand(4) === 0 ? { kind: 'call', target: 'local', imm: rand(5) - 2 } : { kind: 'exit' };
      }
    };
    const rt = newRuntime();
    const ctx = rt.allocData(
      new Uint8Array(64).map((_, i) => i * 7),
      'ctx',
    );
    const kinds = new Map<string, number>();
    let results = 0;
    for (let p = 0; p < 800; p++) {
      const insns = Array.from({ length: 1 + rand(20) }, gen);
      insns.push({ kind: 'exit' });
      try {
        const prepared = interpreter.prepare(loadInsns(rt, insns), { instructionLimit: 5_000 });
        try {
          prepared.run(ctx.start, 64);
          results++;
        } finally {
          prepared.dispose();
        }
      } catch (e) {
        if (!(e instanceof VmError)) throw e;
        expect(e.pc).toBeGreaterThanOrEqual(0);
        kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      }
    }
    expect(results).toBeGreaterThan(50);
    expect([...kinds.keys()]).toEqual(expect.arrayContaining(['out-of-bounds', 'bad-jump']));
  });
});
