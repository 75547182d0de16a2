import {
  add,
  call,
  callLocal,
  exit,
  FP,
  type Insn,
  jeq,
  jgt,
  jne,
  lddwPseudo,
  ldxb,
  ldxdw,
  ldxh,
  mov,
  movsx,
  movsx32,
  R0,
  R1,
  R2,
  R3,
  R6,
  stdw,
  stw,
  stxdw,
} from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import {
  kprobeType,
  rawType,
  standardHelperSet,
  tracepointType,
  VerifierError,
  verify,
  verifyOrThrow,
} from './index.js';
import { globalDataMap, READS_VALUE_1 } from './read-only-map.test-util.js';
import { verifyPruned } from './verify.js';

const helpers = standardHelperSet();
const maps = [{ name: 'counts', type: 1, keySize: 4, valueSize: 8, maxEntries: 16 }];
/** map lookup, null check, load: the canonical safe program. */
const lookup = [
  lddwPseudo('map_idx', R1, 0),
  mov.reg(R2, FP),
  add.imm(R2, -8),
  stw(FP, -8, 0),
  call(1),
  jeq.imm(R0, 0, 1),
  ldxdw(R0, R0, 0),
  mov.imm(R0, 0),
  exit(),
];

describe('what a program reads of its context', () => {
  const type = tracepointType(
    [
      { name: 'common_type', offset: 0, size: 2 },
      { name: 'duration_ns', offset: 8, size: 8 },
      { name: 'url', offset: 16, size: 128 },
      { name: 'status', offset: 144, size: 2 },
    ],
    helpers,
  );

  it('lists the ranges loaded on every path, the context kept in another register too', () => {
    const r = verify(
      [
        mov.reg(R6, R1),
        ldxh(R0, R6, 144),
        jgt.imm(R0, 499, 2),
        ldxdw(R0, R1, 8),
        exit(),
        ldxdw(R0, R6, 16),
        exit(),
      ],
      { type },
    );
    expect(r.accepted).toBe(true);
    expect(r.ctxReads).toEqual([
      { offset: 8, size: 8 },
      { offset: 16, size: 8 },
      { offset: 144, size: 2 },
    ]);
  });

  it("is 'all' once the context pointer is a helper's argument", () => {
    const r = verify(
      [
        mov.reg(R3, R1),
        mov.reg(R1, FP),
        add.imm(R1, -8),
        mov.imm(R2, 8),
        call(113), // bpf_probe_read_kernel(fp-8, 8, ctx)
        mov.imm(R0, 0),
        exit(),
      ],
      { type },
    );
    expect(r.accepted).toBe(true);
    expect(r.ctxReads).toBe('all');
  });
});

describe('which instructions dereference the context (for convert_ctx_access)', () => {
  const type = tracepointType([{ name: 'a', offset: 8, size: 8 }], helpers);

  it('lists every load and store through the context, wherever the pointer was copied', () => {
    const r = verify(
      [mov.reg(R6, R1), stdw(FP, -8, 0), ldxdw(R0, R6, 8), ldxdw(R2, FP, -8), ldxdw(R0, R1, 8), exit()],
      { type },
    );
    expect(r.ctxInsns).toEqual([2, 4]);
  });

  it('refuses one instruction dereferencing the context on one path and the stack on another', () => {
    const r = verify(
      [
        stdw(FP, -8, 0),
        mov.reg(R2, R1),
        ldxdw(R0, R1, 8),
        jeq.imm(R0, 0, 2),
        mov.reg(R2, FP),
        add.imm(R2, -16),
        ldxdw(R0, R2, 8),
        exit(),
      ],
      { type },
    );
    expect(r.error?.reason).toBe('same insn cannot be used with different pointers');
  });
});

describe('verify', () => {
  it('accepts a safe program and reports the kernel statistics line', () => {
    const r = verify(lookup, { type: kprobeType(helpers), maps });
    expect(r.accepted).toBe(true);
    expect(r.error).toBeUndefined();
    expect(r.stats.processed).toBeGreaterThanOrEqual(9);
    expect(r.log).toMatch(
      /^processed \d+ insns \(limit 1000000\) max_states_per_insn \d+ total_states \d+ peak_states \d+ mark_read \d+\n$/,
    );
  });

  it('level 1 shows each instruction and the state of every branch explored later', () => {
    const r = verify(lookup, { type: kprobeType(helpers), maps, logLevel: 1 });
    expect(r.log).toContain('4: (85) call bpf_map_lookup_elem#1');
    expect(r.log).toMatch(/^from 5 to 7: R0=0 R10=fp0 fp-8=\?\?\?\?0$/m);
    expect(r.log).toMatch(/^7: safe$/m);
  });

  it('level 2 adds the registers each instruction wrote', () => {
    const r = verify(lookup, { type: kprobeType(helpers), maps, logLevel: 2 });
    expect(r.log).toMatch(
      /^4: \(85\) call bpf_map_lookup_elem#1 +; R0_w=map_value_or_null\(id=1,map=counts,ks=4,vs=8\)$/m,
    );
    expect(r.log).toMatch(/^2: \(07\) r2 \+= -8 +; R2_w=fp-8$/m);
  });

  it('onInsn gives the state each path reaches an instruction in, as the log prints it', () => {
    const seen = new Map<number, string[]>();
    const r = verify(lookup, {
      type: kprobeType(helpers),
      maps,
      logLevel: 1,
      onInsn: (pc, state) => {
        const text = state()
          .frames.flatMap((f) => [
            ...f.regs.map((x) => `R${x.regno}=${x.value}`),
            ...f.stack.map((x) => `fp${x.off}=${x.value}`),
          ])
          .join(' ');
        seen.set(pc, [...(seen.get(pc) ?? []), text]);
      },
    });
    expect(r.accepted).toBe(true);
    expect(seen.get(0)).toEqual(['R1=ctx() R10=fp0']);
    expect(seen.get(5)).toEqual(['R0=map_value_or_null(id=1,map=counts,ks=4,vs=8) R10=fp0 fp-8=????0']);
    // Insn 7 on the fall-through path; the branch from 5 is pruned there (`7: safe`), not reported.
    expect(seen.get(7)).toEqual(['R0=scalar() R10=fp0 fp-8=????0']);
    expect(r.log).toMatch(/^7: safe$/m);
    const reported = [...seen.values()].reduce((n, v) => n + v.length, 0);
    expect(reported + r.stats.pruned).toBe(r.stats.processed);
  });

  it('rejects with the instruction index, the reason as the log line before the statistics, and the source line', () => {
    const prog = [ldxdw(R0, FP, -8), exit()];
    const r = verify(prog, {
      type: rawType(0),
      unprivileged: true,
      lineInfo: [{ insnIndex: 0, file: 'f.c', line: 7, source: '  return *p;' }],
    });
    expect(r.accepted).toBe(false);
    expect(r.error).toEqual({
      insnIndex: 0,
      reason: 'invalid read from stack off -8+0 size 8',
      sourceLine: 'f.c:7: return *p;',
    });
    const lines = r.log.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('invalid read from stack off -8+0 size 8');
    expect(lines.at(-1)).toMatch(/^processed 1 insns/);
  });

  it('VerifierError: the message is the reason plus the count of omitted lines; the log is one property away', () => {
    const prog = [mov.imm(R1, 1), stdw(FP, -8, 0), ldxdw(R0, R1, 0), exit()];
    let err: unknown;
    try {
      verifyOrThrow(prog, { type: rawType(0), logLevel: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VerifierError);
    const v = err as VerifierError;
    const lines = v.log.trimEnd().split('\n');
    expect(v.message).toBe(`R1 invalid mem access 'scalar' (${lines.length - 1} line(s) omitted)`);
    expect(v.insnIndex).toBe(2);
    expect(v.log).toContain('2: (79) r0 = *(u64 *)(r1 +0)');
  });

  it('prunes a path that an explored state covers', () => {
    // Eight diamonds: the paths join with r0 differing, and r0 is never needed exactly, so
    // each join is explored once (2^8 paths without pruning).
    const prog: Insn[] = [ldxdw(R2, R1, 104), mov.imm(R0, 0)];
    for (let k = 0; k < 8; k++) prog.push(jgt.imm(R2, k, 1), add.imm(R0, 1));
    prog.push(exit());
    const r = verify(prog, { type: kprobeType(helpers) });
    expect(r.accepted).toBe(true);
    expect(r.stats.pruned).toBeGreaterThan(0);
    expect(r.stats.processed).toBeLessThan(100); // Linux 6.18: 83
  });

  it('counts processed instructions against the budget', () => {
    const prog = [
      mov.imm(R0, 0),
      add.imm(R0, 1),
      jgt.imm(R0, 1000, 1),
      { kind: 'ja', off: -3 } as const,
      exit(),
    ];
    expect(verify(prog, { type: rawType(0) }).accepted).toBe(true);
    const r = verify(prog, { type: rawType(0), insnLimit: 500 });
    expect(r.error?.reason).toBe('BPF program is too large. Processed 501 insn');
  });
});

describe('sign-extending moves (Linux coerce_reg_to_size_sx)', () => {
  it('keep a range the narrower type already holds: a short read into a long indexes a 64 KiB value', () => {
    // w6 = (s16)w6; r6 = (s32)r6 — how clang and tbpf cc widen a `short` (libbpf's usdt.bpf.h)
    const big = [{ name: 'big', type: 2, keySize: 4, valueSize: 65536, maxEntries: 1 }];
    const program = [
      ldxdw(R6, R1, 0),
      movsx32(16, R6, R6),
      movsx(32, R6, R6),
      add.imm(R6, 32768),
      stw(FP, -4, 0),
      lddwPseudo('map_fd', R1, 0),
      mov.reg(R2, FP),
      add.imm(R2, -4),
      call(1),
      jne.imm(R0, 0, 2),
      mov.imm(R0, 0),
      exit(),
      add.reg(R0, R6),
      ldxb(R0, R0, 0),
      exit(),
    ];
    const r = verify(program, { type: kprobeType(helpers), maps: big, logLevel: 2 });
    expect(r.error?.reason).toBeUndefined();
    expect(r.log).toMatch(/^2: \(bf\) r6 = \(s32\)r6 +; R6_w=scalar\(smin=-32768,smax=32767\)$/m);
  });
});

describe('loads from a read-only map (.rodata, .kconfig: frozen by libbpf)', () => {
  it('give the value itself at a constant offset, as Linux reads a frozen map: one branch is explored', () => {
    const r = verify(READS_VALUE_1, { type: kprobeType(helpers), maps: [globalDataMap(true)], logLevel: 2 });
    expect(r.accepted).toBe(true);
    expect(r.log).toMatch(/^1: \(71\) r0 = \*\(u8 \*\)\(r1 \+0\) +; R0_w=1$/m);
  });

  it('give an unknown value from a writable map (both branches, the NULL one rejected)', () => {
    const r = verify(READS_VALUE_1, { type: kprobeType(helpers), maps: [globalDataMap(false)] });
    expect(r.accepted).toBe(false);
    expect(r.error?.reason).toMatch(/R1 invalid mem access 'scalar'/);
  });
});

describe('stack that may be read before it is written (privileged: zeroed on entry)', () => {
  const type = rawType(0, helpers);

  it('none when every read stack byte was written first', () => {
    const r = verify([stdw(FP, -8, 1), ldxdw(R0, FP, -8), exit()], { type });
    expect(r.zeroedStacks).toEqual([]);
  });

  it('the entry, with the stack bytes it uses, when it reads a byte no path wrote', () => {
    const r = verify([stdw(FP, -24, 1), ldxdw(R0, FP, -8), exit()], { type });
    expect(r.accepted).toBe(true);
    expect(r.zeroedStacks).toEqual([{ insnIndex: 0, bytes: 24 }]);
  });

  it('without CAP_PERFMON the read is refused', () => {
    const r = verify([ldxdw(R0, FP, -8), exit()], { type, unprivileged: true });
    expect(r.error?.reason).toBe('invalid read from stack off -8+0 size 8');
  });

  it('the function whose frame is read: a callee reading its own stack, or the caller through a pointer', () => {
    // 0: call f; 1: exit; f (2): reads its own fp-16.
    const own = verify([callLocal(1), exit(), ldxdw(R0, FP, -16), exit()], { type });
    expect(own.zeroedStacks).toEqual([{ insnIndex: 2, bytes: 16 }]);
    // The callee reads the caller's fp-8 through r1, which the caller never wrote.
    const caller = verify(
      [mov.reg(R1, FP), add.imm(R1, -8), callLocal(1), exit(), ldxdw(R0, R1, 0), exit()],
      { type },
    );
    expect(caller.zeroedStacks).toEqual([{ insnIndex: 0, bytes: 8 }]);
  });

  it('a path pruned where the explored one had written the stack counts as reading it', () => {
    // The fall-through writes fp-8 and reads it at 4; the jump reaches 3 without writing it
    // and is pruned there by the explored state, so its read is never walked.
    const prog = [call(7), jeq.imm(R0, 0, 1), stxdw(FP, R0, -8), mov.imm(R0, 0), ldxdw(R0, FP, -8), exit()];
    const r = verifyPruned(prog, { type }, 'every-prune-point');
    expect(r.stats.pruned).toBeGreaterThan(0);
    expect(r.zeroedStacks).toEqual([{ insnIndex: 0, bytes: 8 }]);
  });
});
