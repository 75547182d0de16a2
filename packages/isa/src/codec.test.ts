import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { exit, ja, jeq, lddw, mov } from './builders.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { IsaError } from './errors.js';
import type { Insn } from './insn.js';
import { branchTargets, offsetBetween, slotStarts } from './program.js';
import { OPCODE_TABLE } from './table.js';
import { instantiate } from './testing/instantiate.js';

const reg = fc.integer({ min: 0, max: 10 });
const s16 = fc.integer({ min: -32768, max: 32767 });
const s32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

/** Any valid instruction: a row of the table with random operands. */
export const arbitraryInsn: fc.Arbitrary<Insn> = fc
  .record({
    row: fc.constantFrom(...OPCODE_TABLE),
    dst: reg,
    src: reg,
    off: s16,
    imm: s32,
    imm2: s32,
  })
  .map(({ row, ...v }) => instantiate(row.shape, v));

function bytesOf(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
}

describe('encode/decode properties', () => {
  test('decode(encode(p)) = p for generated programs, both byte orders', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryInsn, { maxLength: 20 }),
        fc.constantFrom('little', 'big'),
        (prog, endian) => {
          const e = endian as 'little' | 'big';
          expect(decode(encode(prog, e), e)).toEqual(prog);
        },
      ),
      { seed: 0x7b9f, numRuns: 3000 },
    );
  });

  test('random bytes decode or fail with IsaError; what decodes re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (bytes) => {
        let insns: Insn[];
        try {
          insns = decode(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(IsaError);
          return;
        }
        expect(encode(insns)).toEqual(bytes);
      }),
      { seed: 42, numRuns: 20000 },
    );
  });
});

describe('decode errors name the instruction and the reason', () => {
  const cases: [string, string, string][] = [
    ['unknown opcode', 'b700000000000000' + 'ff00000000000000', 'instruction 1: unknown opcode 0xff'],
    ['register above 10', '070b000000000000', 'instruction 0: invalid destination register r11'],
    ['source register above 10', '0fc1000000000000', 'instruction 0: invalid source register r12'],
    ['non-zero reserved field', '0701010000000000', "instruction 0: reserved field 'off' is 1, must be 0"],
    ['lddw without second slot', '1801000001000000', 'instruction 0: lddw without its second slot'],
    [
      'lddw with a bad second slot',
      '18010000010000000700000000000000',
      'instruction 0: the second slot of lddw must have opcode, registers and offset 0',
    ],
    [
      'bad END immediate',
      'd401000011000000',
      'instruction 0: invalid byte-order immediate 0x11 for opcode 0xd4',
    ],
    [
      'bad atomic immediate',
      'db21000002000000',
      'instruction 0: invalid atomic operation immediate 0x02 for opcode 0xdb',
    ],
    ['bad sdiv offset', '3701020005000000', 'instruction 0: invalid offset 2 for opcode 0x37'],
    ['bad movsx offset', 'bf21070000000000', 'instruction 0: invalid offset 7 for opcode 0xbf'],
    ['truncated', '95000000000000', 'program length 7 is not a multiple of 8 bytes'],
    ['neg with a register source', '8f21000000000000', 'instruction 0: unknown opcode 0x8f'],
  ];
  test.each(cases)('%s', (_name, hex, message) => {
    let err: unknown;
    try {
      decode(bytesOf(hex));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IsaError);
    expect((err as IsaError).message).toBe(message);
  });

  test('errors carry the instruction index and slot separately', () => {
    const bytes = encode([lddw(1, 1n), mov.imm(0, 0)]);
    bytes[16] = 0xff; // the third slot = instruction 1
    try {
      decode(bytes);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'unknown-opcode', index: 1, slot: 2 });
    }
  });

  test('encode rejects out-of-range operands', () => {
    expect(() => encode([mov.imm(11, 0)])).toThrow(IsaError);
    expect(() => encode([ja(40000)])).toThrow(/does not fit in 16 bits/);
    expect(() => encode([mov.imm(0, 2 ** 33)])).toThrow(/does not fit in 32 bits/);
  });
});

describe('slots and instruction indices', () => {
  test('lddw counts as one instruction and two slots', () => {
    const prog = [jeq.imm(1, 0, 3), lddw(0, 0x1122334455667788n), exit(), mov.imm(0, 1), exit()];
    expect(Array.from(slotStarts(prog))).toEqual([0, 1, 3, 4, 5, 6]);
    expect(branchTargets(prog)[0]).toEqual({ ok: true, index: 3 });
    expect(offsetBetween(prog, 0, 3)).toBe(3);
  });

  test('a branch into the second slot of lddw or outside the program is reported', () => {
    expect(branchTargets([ja(1), lddw(0, 1n), exit()])[0]).toEqual({
      ok: false,
      slot: 2,
      reason: 'lddw-middle',
    });
    expect(branchTargets([ja(5), exit()])[0]).toEqual({ ok: false, slot: 6, reason: 'out-of-range' });
  });
});
