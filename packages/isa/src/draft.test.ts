import { describe, expect, test } from 'vitest';
import { decodeDraftOpcode, draftOpcodes } from './draft.js';
import { OPCODE_TABLE } from './table.js';

describe('RFC 2013 draft opcodes', () => {
  test('the encodings the v1 patches used', () => {
    expect(decodeDraftOpcode(0xd9)).toEqual({ kind: 'ldx', size: 8 }); // LDX|DW|REL: r0 = *(u64 *)(r6 + 8)
    expect(decodeDraftOpcode(0xdb)).toEqual({ kind: 'stx', size: 8 });
    expect(decodeDraftOpcode(0xc2)).toEqual({ kind: 'st', size: 4 }); // ST|W|REL
    expect(decodeDraftOpcode(0xfb)).toEqual({ kind: 'xadd', size: 8 });
    expect(decodeDraftOpcode(0xf3)).toEqual({ kind: 'xadd', size: 1 });
    expect(decodeDraftOpcode(0x0d)).toEqual({ kind: 'ja' }); // JA with the X bit
    expect(decodeDraftOpcode(0x85)).toEqual({ kind: 'call' });
    expect(decodeDraftOpcode(0x06)).toEqual({ kind: 'ret' });
    expect(decodeDraftOpcode(0xbc)).toEqual({ kind: 'alu', op: 'mov', source: 'reg' }); // 64-bit in the draft
    expect(decodeDraftOpcode(0x8c)).toEqual({ kind: 'alu', op: 'neg', source: 'reg' });
    expect(decodeDraftOpcode(0xdc)).toEqual({ kind: 'bswap', bits: 32 });
    expect(decodeDraftOpcode(0xec)).toEqual({ kind: 'bswap', bits: 64 });
  });

  test('today-only encodings are not draft opcodes', () => {
    expect(decodeDraftOpcode(0x95)).toBeUndefined(); // EXIT
    expect(decodeDraftOpcode(0x18)).toBeUndefined(); // lddw
    expect(decodeDraftOpcode(0x79)).toBeUndefined(); // LDX|DW|MEM
    expect(decodeDraftOpcode(0x05)).toBeUndefined(); // JA without X
    expect(decodeDraftOpcode(0xa5)).toBeUndefined(); // JLT
  });

  test('the draft and final tables differ in meaning where the RFC says they do', () => {
    const finalMeaning = (op: number) => OPCODE_TABLE.filter((r) => r.opcode === op).map((r) => r.key);
    expect(finalMeaning(0xbc)).toEqual(['alu32.mov.reg', 'alu32.movsx8.reg', 'alu32.movsx16.reg']);
    expect(draftOpcodes().size).toBeGreaterThan(50);
  });
});
