import { describe, expect, test } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { CONFORMANCE_GROUPS, conformanceGroup, cpuVersion, OPCODE_TABLE, rowOf } from './table.js';
import { instantiate } from './testing/instantiate.js';

const operands = { dst: 3, src: 7, off: -5, imm: 0x12345, imm2: -2 };

describe('OPCODE_TABLE', () => {
  test('every row round-trips through encode and decode, in both byte orders', () => {
    for (const row of OPCODE_TABLE) {
      const insn = instantiate(row.shape, operands);
      for (const endian of ['little', 'big'] as const) {
        const bytes = encode([insn], endian);
        expect(bytes[0], row.key).toBe(row.opcode);
        expect(decode(bytes, endian), row.key).toEqual([insn]);
      }
    }
  });

  test('(opcode, selector) pairs are unique and keys are unique', () => {
    const pairs = new Set(OPCODE_TABLE.map((r) => `${r.opcode}/${r.select?.field}=${r.select?.value}`));
    const keys = new Set(OPCODE_TABLE.map((r) => r.key));
    expect(pairs.size).toBe(OPCODE_TABLE.length);
    expect(keys.size).toBe(OPCODE_TABLE.length);
  });

  test('covers the RFC 9669 instruction set', () => {
    const count = (kind: string) => OPCODE_TABLE.filter((r) => r.shape.kind === kind).length;
    // 2 widths × (14 ops with K and X + neg with K only), plus MOVSX: 8/16 in ALU, 8/16/32 in ALU64.
    expect(count('alu')).toBe(2 * (14 * 2 + 1) + 2 + 3);
    expect(count('end')).toBe(9);
    expect(count('jmp')).toBe(2 * 11 * 2);
    expect(count('atomic')).toBe(2 * 10);
    expect(count('lddw')).toBe(7);
    expect(count('ldx')).toBe(7);
    expect(new Set(OPCODE_TABLE.map((r) => r.group))).toEqual(new Set(CONFORMANCE_GROUPS));
  });

  test('groups and CPU versions of well-known instructions', () => {
    const v = (key: string) => {
      const row = OPCODE_TABLE.find((r) => r.key === key)!;
      return [row.group, row.cpu];
    };
    expect(v('alu64.add.imm')).toEqual(['base64', 1]);
    expect(v('alu32.mul.reg')).toEqual(['divmul32', 1]);
    expect(v('alu64.sdiv.imm')).toEqual(['divmul64', 4]);
    expect(v('jmp64.jlt.imm')).toEqual(['base64', 2]);
    expect(v('jmp32.jeq.reg')).toEqual(['base32', 3]);
    expect(v('atomic64.add')).toEqual(['atomic64', 1]);
    expect(v('atomic32.fetch_add')).toEqual(['atomic32', 3]);
    expect(v('ldxs.2')).toEqual(['base32', 4]);
    expect(v('ldabs.4')).toEqual(['packet', 1]);
    expect(v('callx')).toEqual(['callx', 1]);
    expect(v('gotol')).toEqual(['base32', 4]);
    expect(v('end.bswap32')).toEqual(['base32', 4]);
  });

  test('rowOf finds every row by its shape, and nothing for shapes no row has', () => {
    for (const r of OPCODE_TABLE) expect(rowOf(r.shape), r.key).toBe(r);
    const odd = [
      { kind: 'alu', width: 16, op: 'add', source: 'imm' },
      { kind: 'alu', width: 64, op: 'toString', source: 'imm' },
      { kind: 'jmp', width: 32, op: 'jeq', source: 'mem' },
      { kind: 'ldx', size: 3, signed: false },
      { kind: 'st', size: 16 },
    ];
    for (const s of odd) expect(rowOf(s as never), JSON.stringify(s)).toBeUndefined();
  });

  test('instructions report their group and version; impossible combinations have none', () => {
    const insn = instantiate({ kind: 'atomic', size: 8, op: 'cmpxchg', fetch: true }, operands);
    expect(conformanceGroup(insn)).toBe('atomic64');
    expect(cpuVersion(insn)).toBe(3);
    expect(
      rowOf({ kind: 'alu', width: 64, op: 'neg', source: 'reg', dst: 1, src: 2, imm: 0 }),
    ).toBeUndefined();
    expect(
      rowOf({ kind: 'atomic', size: 8, op: 'xchg', fetch: false, dst: 1, src: 2, off: 0 }),
    ).toBeUndefined();
  });
});
