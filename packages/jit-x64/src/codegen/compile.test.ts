import {
  add,
  and,
  call,
  callKfunc,
  callLocal,
  div,
  exit,
  type Insn,
  ja,
  jeq,
  jgt32,
  jne,
  jne32,
  ldabs,
  lddw,
  ldxw,
  mod,
  mov,
  mov32,
  mul,
  or,
  R0,
  R1,
  R2,
  R10,
  sdiv32,
  stdw,
  stw,
  sub,
  xor,
} from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { largeProgram } from '../bench.js';
import { objdumpX64 } from '../listing.js';
import { compile } from './compile.js';

function errorOf(insns: Insn[], options = {}) {
  const r = compile(insns, options);
  if (r.ok) throw new Error('compiled');
  return { code: r.error.code, index: r.error.index };
}

function contains(code: Uint8Array, value: number): boolean {
  const b = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  for (let i = 0; i + 4 <= code.length; i++) {
    if (code[i] === b[0] && code[i + 1] === b[1] && code[i + 2] === b[2] && code[i + 3] === b[3]) return true;
  }
  return false;
}

describe('compile', () => {
  it('says why it cannot compile, with the instruction index', () => {
    expect(errorOf([])).toEqual({ code: 'empty-program', index: -1 });
    expect(errorOf([mov.imm(R0, 0), ldabs(4, 0), exit()])).toEqual({ code: 'legacy-packet-load', index: 1 });
    expect(errorOf([callKfunc(7), exit()])).toEqual({ code: 'kfunc-call', index: 0 });
    expect(errorOf([{ kind: 'lddw', source: 'map_fd', dst: 1, imm: 3, imm2: 0 }, exit()])).toEqual({
      code: 'unresolved-lddw',
      index: 0,
    });
    expect(errorOf([mov.imm(11, 0), exit()])).toEqual({ code: 'bad-register', index: 0 });
    expect(errorOf([ja(5), exit()])).toEqual({ code: 'bad-jump', index: 0 });
    expect(errorOf([mov.imm(R0, 0)])).toEqual({ code: 'falls-off-function', index: 0 });
    // main calls f; f jumps into main
    expect(errorOf([callLocal(1), exit(), ja(-3), exit()])).toEqual({
      code: 'cross-function-jump',
      index: 2,
    });
    // f calls itself
    expect(errorOf([callLocal(1), exit(), callLocal(-1), exit()])).toEqual({ code: 'recursion', index: 2 });
    // a chain of 3 frames with a limit of 2
    expect(errorOf([callLocal(1), exit(), callLocal(1), exit(), exit()], { maxFrames: 2 })).toEqual({
      code: 'call-depth',
      index: -1,
    });
  });

  it('resolves map references through the loader', () => {
    const insns: Insn[] = [{ kind: 'lddw', source: 'map_fd', dst: 1, imm: 3, imm2: 0 }, exit()];
    const r = compile(insns, { resolveLddw: () => ({ lo: 0x2000, hi: 1 }) });
    expect(r.ok).toBe(true);
  });

  it('uses short jumps where they reach and near jumps elsewhere', () => {
    const far = Array.from({ length: 60 }, () => mov.imm(R2, 0x12345678)); // 7 bytes each
    const insns = [jeq.imm(R1, 0, 1), mov.imm(R0, 1), jgt32.reg(R1, R2, 60), ...far, exit()];
    const r = compile(insns);
    if (!r.ok) throw r.error;
    const { code, insnOffsets } = r.program;
    // test rdi,rdi (3 bytes) then je rel8
    expect(code[insnOffsets[0] + 3] & 0xf0).toBe(0x70);
    // cmp edi,esi (2 bytes) then ja rel32 (0f 87)
    expect([code[insnOffsets[2] + 2], code[insnOffsets[2] + 3]]).toEqual([0x0f, 0x87]);
  });

  it('tests a register against 0 with the flags of the add/sub/… that wrote it, where only that code reaches the jump', () => {
    const size = (insns: Insn[], i: number) => {
      const r = compile(insns);
      if (!r.ok) throw r.error;
      return r.program.insnOffsets[i + 1] - r.program.insnOffsets[i];
    };
    // sub rdi, 1; jne rel8 — no test between them (sub and jne fuse)
    expect(size([mov.imm(R1, 5), sub.imm(R1, 1), jne.imm(R1, 0, -2), exit()], 2)).toBe(2);
    // a 32-bit test after a 64-bit result, another register, a jump landing on it: test edi, edi stays
    expect(size([mov.imm(R1, 5), sub.imm(R1, 1), jne32.imm(R1, 0, -2), exit()], 2)).toBe(4);
    expect(size([mov.imm(R1, 5), sub.imm(R2, 1), jne.imm(R1, 0, -2), exit()], 2)).toBe(5);
    expect(size([mov.imm(R1, 5), sub.imm(R1, 1), jne.imm(R1, 0, -2), ja(-2), exit()], 2)).toBe(5);
  });

  it('emits nothing for a mov of 0 into a register the entry prologue zeroed, at the start only', () => {
    const offsets = (insns: Insn[]) => {
      const r = compile(insns);
      if (!r.ok) throw r.error;
      return Array.from(r.program.insnOffsets);
    };
    const [a, b, c] = offsets([mov.imm(R0, 0), mov32.imm(R0, 0), mov.imm(R0, 1), exit()]);
    expect([a, b]).toEqual([b, c]); // both movs of 0: no code
    const [x, y] = offsets([mov.imm(R0, 0), jeq.imm(R1, 0, -2), exit()]);
    expect(y).toBeGreaterThan(x); // a branch lands on it: the mov stays
    const [, p, q] = offsets([mov.imm(R0, 1), mov.imm(R0, 0), exit()]);
    expect(q).toBeGreaterThan(p); // after other code
  });

  it('emits a 4,096-instruction program in one pass, its forward jumps short where the bounds allow', () => {
    const r = compile(largeProgram());
    if (!r.ok) throw r.error;
    expect(r.program.passes).toBe(1);
    // Every block's jeq skips two instructions: all short (jcc rel8), none near (0f 8x).
    const text = objdumpX64(r.program.code);
    if (text) expect(text.filter((l) => /^j/.test(l.text ?? '') && l.bytes.length > 2)).toEqual([]);
  });

  it('emits a forward jump near when the bounds of what it skips exceed 127 bytes', () => {
    // 20 blinded 64-bit movs: 280 bytes of bounds, 280 of code — the jump over them is near.
    const far = Array.from({ length: 20 }, () => mov.imm(R2, 0x12345678));
    const r = compile([jeq.imm(R1, 0, 20), ...far, exit()], { blind: { seed: 3 } });
    if (!r.ok) throw r.error;
    const { code, insnOffsets } = r.program;
    expect([code[insnOffsets[0] + 3], code[insnOffsets[0] + 4] & 0xf0]).toEqual([0x0f, 0x80]);
    expect(r.program.passes).toBe(1);
  });

  it('blinds every user constant: none appears verbatim in the code', () => {
    const K = [0x3a5c1f77, -0x12345679, 0x7edcba98, 0x51f0e2d3, 0x6b2a4c8e, 0x2468ace1];
    const insns: Insn[] = [
      mov.imm(R0, K[0]),
      mov32.imm(R1, K[1]),
      add.imm(R0, K[2]),
      sub.imm(R0, K[3]),
      and.imm(R0, K[4]),
      or.imm(R0, K[5]),
      xor.imm(R0, K[0]),
      mul.imm(R0, K[1]),
      div.imm(R0, K[2]),
      mod.imm(R0, K[3]),
      sdiv32.imm(R0, K[4]),
      jeq.imm(R0, K[5], 0),
      stw(R10, -8, K[0]),
      stdw(R10, -16, K[1]),
      lddw(R2, (BigInt(K[2]) << 32n) | BigInt(K[3])),
      ldxw(R0, R10, -8),
      exit(),
    ];
    const plain = compile(insns);
    const blinded = compile(insns, { blind: true });
    if (!plain.ok || !blinded.ok) throw new Error('compile failed');
    expect(K.every((k) => contains(plain.program.code, k))).toBe(true);
    expect(K.filter((k) => contains(blinded.program.code, k))).toEqual([]);
  });

  it('blinds deterministically with a seed and differently without', () => {
    const insns = [mov.imm(R0, 0x3a5c1f77), exit()];
    const a = compile(insns, { blind: { seed: 5 } });
    const b = compile(insns, { blind: { seed: 5 } });
    const c = compile(insns, { blind: true });
    const d = compile(insns, { blind: true });
    if (!a.ok || !b.ok || !c.ok || !d.ok) throw new Error('compile failed');
    expect(a.program.code).toEqual(b.program.code);
    expect(c.program.code).not.toEqual(d.program.code);
  });

  it('draws blinding values from randomFill when given, one fill for many programs', () => {
    const insns = [mov.imm(R0, 0x3a5c1f77), exit()];
    let fills = 0;
    const fixed = (values: Int32Array) => {
      fills++;
      values.fill(0x01020304);
    };
    const a = compile(insns, { blind: true, randomFill: fixed });
    const b = compile(insns, { blind: true, randomFill: fixed });
    if (!a.ok || !b.ok) throw new Error('compile failed');
    expect(fills).toBe(1); // a pool of values: the second program takes the next ones
    expect(a.program.code).toEqual(b.program.code);
    expect(contains(a.program.code, 0x3a5c1f77 ^ 0x01020304)).toBe(true);
  });

  it.skipIf(objdumpX64(new Uint8Array([0xc3])) === undefined)(
    'addresses memory through GS with 32-bit address arithmetic in segment mode (objdump)',
    () => {
      const insns: Insn[] = [
        ldxw(R0, R1, 16),
        stdw(R10, -8, 7),
        { kind: 'atomic', op: 'add', fetch: false, size: 8, dst: R10, src: R1, off: -8 },
        { kind: 'atomic', op: 'or', fetch: true, size: 4, dst: R2, src: R1, off: 4 },
        exit(),
      ];
      const r = compile(insns, { addressing: 'segment' });
      if (!r.ok) throw r.error;
      const text = (objdumpX64(r.program.code) ?? []).map((l) => l.text).join('\n');
      expect(text).toContain('mov eax,DWORD PTR gs:[edi-0x7ff0]');
      expect(text).toContain('mov QWORD PTR gs:[ebp-0x8008],0x7');
      expect(text).toContain('lock add QWORD PTR gs:[r11d],rdi');
      expect(text).toMatch(/lock cmpxchg DWORD PTR gs:\[r11d\],r10d/);
      expect(text).not.toMatch(/\[r12/); // no base register in any access
      expect(text).not.toMatch(/mov r12,rdx/); // nor set up
    },
  );

  it('lists helper slots in first-use order and flags callx', () => {
    const r = compile([call(6), call(1), call(6), { kind: 'callx', reg: R1 }, exit()]);
    if (!r.ok) throw r.error;
    expect(r.program.helperSlots).toEqual([6, 1]);
    expect(r.program.usesCallx).toBe(true);
  });
});
