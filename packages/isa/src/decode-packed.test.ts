import { describe, expect, test } from 'vitest';
import { decode } from './decode.js';
import { decodePacked } from './decode-packed.js';
import { encode } from './encode.js';
import { packInsns } from './packed.js';
import { OPCODE_TABLE } from './table.js';
import { instantiate } from './testing/instantiate.js';
import { seededRandom } from './testing/random.js';

/** What decoding then packing gives — the value or the error's message — for comparison. */
function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const exact = (bytes: Uint8Array) => outcome(() => packInsns(decode(bytes)));
const fast = (bytes: Uint8Array) => outcome(() => decodePacked(bytes));

describe('decodePacked = packInsns(decode(bytes))', () => {
  test('every row, with operands that fill each field', () => {
    for (const row of OPCODE_TABLE) {
      for (const operands of [
        { dst: 3, src: 7, off: -5, imm: 0x12345, imm2: -2 },
        { dst: 10, src: 10, off: 32767, imm: -1, imm2: 0x7fffffff },
        { dst: 0, src: 0, off: 0, imm: 0, imm2: 0 },
      ]) {
        const bytes = encode([instantiate(row.shape, operands), { kind: 'exit' }]);
        expect(fast(bytes), row.key).toEqual(exact(bytes));
      }
    }
  });

  test('random programs, some with bytes changed: the same program or the same error', () => {
    const random = seededRandom(18);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
    // Operand values that select rows (movsx/sdiv offsets, atomic and byte-order immediates, call and lddw sources).
    const selectors = OPCODE_TABLE.flatMap((r) => (r.select ? [r.select.value] : []));
    const values = [0, 1, -1, 0x7fff, -0x8000, 0x7fffffff, ...selectors];
    let accepted = 0;
    let rejected = 0;
    for (let round = 0; round < 6_000; round++) {
      const insns = Array.from({ length: 1 + int(5) }, () =>
        instantiate(pick(OPCODE_TABLE).shape, {
          dst: int(11),
          src: int(11),
          off: int(0x10000) - 0x8000,
          imm: (random() * 2 ** 32) | 0,
          imm2: (random() * 2 ** 32) | 0,
        }),
      );
      const bytes = encode(insns);
      // Half the programs get a byte or two changed: registers above r10, reserved fields,
      // opcodes next to real ones, selector values, lddw second slots.
      for (let k = random() < 0.5 ? 1 + int(2) : 0; k > 0; k--) {
        const at = int(bytes.length);
        bytes[at] = random() < 0.5 ? int(256) : pick(values) & 0xff;
      }
      const want = exact(bytes);
      expect(fast(bytes), Array.from(bytes).join(',')).toEqual(want);
      if (typeof want === 'string') rejected++;
      else accepted++;
    }
    // The sample holds both valid programs and errors.
    expect(accepted).toBeGreaterThan(1_500);
    expect(rejected).toBeGreaterThan(600);
  }, 30_000);

  test('lengths that are no multiple of 8 and big-endian bytes go through decode', () => {
    expect(fast(new Uint8Array(12))).toEqual(exact(new Uint8Array(12)));
    const bytes = encode(
      [{ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 1, src: 0, imm: 7 }, { kind: 'exit' }],
      'big',
    );
    expect(decodePacked(bytes, 'big')).toEqual(packInsns(decode(bytes, 'big')));
  });
});
