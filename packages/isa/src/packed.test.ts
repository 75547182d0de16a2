import { describe, expect, test } from 'vitest';
import { add, callLocal, exit, ja, jeq, lddw, mov } from './builders.js';
import { IsaError } from './errors.js';
import { INSN_KINDS, type Insn } from './insn.js';
import * as packed from './packed.js';
import {
  ALU_OP,
  KIND_ALU,
  OP_FLAG,
  OP_KIND,
  OP_REG,
  OP_SIZE,
  OP_SUB,
  OP_WIDE,
  packedBranchTargets,
  packInsns,
} from './packed.js';
import { branchTargets } from './program.js';
import { OPCODE_TABLE, rowIdOf } from './table.js';
import { instantiate } from './testing/instantiate.js';

const operands = { dst: 3, src: 7, off: -5, imm: 0x12345, imm2: -2 };

describe('packed programs', () => {
  test('KIND_* constants are the indices of INSN_KINDS', () => {
    INSN_KINDS.forEach((kind, i) => {
      expect((packed as Record<string, unknown>)[`KIND_${kind.toUpperCase()}`], kind).toBe(i);
    });
  });

  test('every row packs to its id, with its operands and columns that describe its shape', () => {
    for (const row of OPCODE_TABLE) {
      const insn = instantiate(row.shape, operands);
      const code = packInsns([insn]);
      expect(code.op[0], row.key).toBe(row.id);
      const s = row.shape;
      expect(INSN_KINDS[OP_KIND[row.id]]).toBe(s.kind);
      const wide = 'width' in s ? s.width === 64 : s.kind === 'atomic' && s.size === 8;
      expect(OP_WIDE[row.id] === 1, row.key).toBe(wide);
      expect(OP_REG[row.id] === 1, row.key).toBe('source' in s && s.source === 'reg');
      expect(OP_SIZE[row.id], row.key).toBe('size' in s ? s.size : s.kind === 'end' ? s.bits / 8 : 0);
      expect(OP_FLAG[row.id] === 1, row.key).toBe(
        (s.kind === 'ldx' && s.signed) || (s.kind === 'atomic' && s.fetch),
      );
      const fields = insn as unknown as Record<string, number>;
      expect(code.dst[0], row.key).toBe(s.kind === 'callx' ? fields.reg : (fields.dst ?? 0));
      expect(code.src[0], row.key).toBe(fields.src ?? 0);
      expect(code.off[0], row.key).toBe(fields.off ?? 0);
      expect(code.imm[0], row.key).toBe(fields.imm ?? 0);
      expect(code.imm2[0], row.key).toBe(fields.imm2 ?? 0);
    }
    expect(OP_SUB[rowIdOf(mov.imm(1, 2))]).toBe(ALU_OP.mov);
    expect(OP_KIND[rowIdOf(add.reg(1, 2))]).toBe(KIND_ALU);
  });

  test('shapes with no encoding have no row', () => {
    const bad: unknown[] = [
      { kind: 'alu', width: 64, op: 'neg', source: 'reg', dst: 1, src: 2, imm: 0 },
      { kind: 'alu', width: 48, op: 'add', source: 'imm', dst: 1, src: 0, imm: 0 },
      { kind: 'atomic', size: 8, op: 'xchg', fetch: false, dst: 1, src: 2, off: 0 },
      { kind: 'ldx', size: 8, signed: true, dst: 1, src: 2, off: 0 },
      { kind: 'ldabs', size: 8, imm: 0 },
      { kind: 'nop' },
    ];
    for (const insn of bad) {
      expect(rowIdOf(insn as Insn)).toBe(-1);
      expect(() => packInsns([exit(), insn as Insn])).toThrow(
        expect.objectContaining({ code: 'bad-selector', index: 1 }),
      );
    }
  });

  test('registers outside r0–r10 are refused with the index', () => {
    expect(() => packInsns([mov.imm(11, 0), exit()])).toThrow(IsaError);
    expect(() => packInsns([exit(), add.reg(1, 12)])).toThrow(
      expect.objectContaining({ code: 'bad-register', index: 1 }),
    );
  });

  test('branch targets agree with branchTargets', () => {
    const prog: Insn[] = [
      jeq.imm(1, 0, 3), // over the lddw (2 slots) and the mov
      lddw(2, 5n),
      mov.imm(0, 1),
      ja(-5), // back to 0
      callLocal(-4), // lddw's second slot
      ja(9), // out of range
      exit(),
    ];
    const { target, slot } = packedBranchTargets(packInsns(prog));
    expect(Array.from(slot)).toEqual([0, 1, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(target)).toEqual([
      3,
      -1,
      -1,
      0,
      packed.BRANCH_LDDW_MIDDLE,
      packed.BRANCH_OUT_OF_RANGE,
      -1,
    ]);
    branchTargets(prog).forEach((t, i) => {
      const want =
        t === undefined
          ? packed.NO_BRANCH
          : t.ok
            ? t.index
            : t.reason === 'lddw-middle'
              ? packed.BRANCH_LDDW_MIDDLE
              : packed.BRANCH_OUT_OF_RANGE;
      expect(target[i], `instruction ${i}`).toBe(want);
    });
  });
});
