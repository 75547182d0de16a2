/**
 * Property test: the interpreter's 32-bit-halves arithmetic against a plain BigInt model of
 * RFC 9669 ALU and JMP semantics, on random operands biased towards edge values.
 */
import { ALU_OPS, type AluOp, type Insn, JMP_OPS, type JmpOp } from '@tbpf/isa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newRuntime, runOn } from '../testing/run.js';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => v & M64;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u32 = (v: bigint) => v & 0xffffffffn;
const s32 = (v: bigint) => BigInt.asIntN(32, v);

/** RFC 9669 ALU semantics on unsigned 64-bit values. */
function alu(op: AluOp, width: 32 | 64, a: bigint, b: bigint): bigint {
  const w = width === 64;
  const x = w ? a : u32(a);
  const y = w ? b : u32(b);
  const sx = w ? s64(x) : s32(x);
  const sy = w ? s64(y) : s32(y);
  const mask = w ? M64 : 0xffffffffn;
  const bits = w ? 64n : 32n;
  let r: bigint;
  switch (op) {
    case 'add':
      r = x + y;
      break;
    case 'sub':
      r = x - y;
      break;
    case 'mul':
      r = x * y;
      break;
    case 'div':
      r = y === 0n ? 0n : x / y;
      break;
    case 'sdiv':
      r = sy === 0n ? 0n : sx / sy;
      break;
    case 'mod':
      r = y === 0n ? x : x % y;
      break;
    case 'smod':
      r = sy === 0n ? x : sx % sy;
      break;
    case 'or':
      r = x | y;
      break;
    case 'and':
      r = x & y;
      break;
    case 'xor':
      r = x ^ y;
      break;
    case 'lsh':
      r = x << (y & (bits - 1n));
      break;
    case 'rsh':
      r = x >> (y & (bits - 1n));
      break;
    case 'arsh':
      r = sx >> (y & (bits - 1n));
      break;
    case 'neg':
      r = -x;
      break;
    case 'mov':
      r = y;
      break;
    case 'movsx8':
      r = BigInt.asIntN(8, y);
      break;
    case 'movsx16':
      r = BigInt.asIntN(16, y);
      break;
    case 'movsx32':
      r = BigInt.asIntN(32, b);
      break;
  }
  return r & mask;
}

function jmp(op: JmpOp, width: 32 | 64, a: bigint, b: bigint): boolean {
  const w = width === 64;
  const x = w ? a : u32(a);
  const y = w ? b : u32(b);
  const sx = w ? s64(x) : s32(x);
  const sy = w ? s64(y) : s32(y);
  switch (op) {
    case 'jeq':
      return x === y;
    case 'jne':
      return x !== y;
    case 'jgt':
      return x > y;
    case 'jge':
      return x >= y;
    case 'jlt':
      return x < y;
    case 'jle':
      return x <= y;
    case 'jset':
      return (x & y) !== 0n;
    case 'jsgt':
      return sx > sy;
    case 'jsge':
      return sx >= sy;
    case 'jslt':
      return sx < sy;
    case 'jsle':
      return sx <= sy;
  }
}

const edge = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x1_0000_0000n),
  fc.constantFrom(M64, 1n << 63n, (1n << 63n) - 1n, u64(-2n), u64(-0x80000000n)),
  fc.bigInt({ min: 0n, max: M64 }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
);
const imm32 = fc.oneof(
  fc.constantFrom(0, 1, -1, 31, 32, 63, 0x7fffffff, -0x80000000),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
);

function lddw(dst: number, v: bigint): Insn {
  return { kind: 'lddw', source: 'imm64', dst, imm: Number(s32(v)), imm2: Number(s32(v >> 32n)) };
}

describe('interpreter arithmetic = BigInt model (RFC 9669)', () => {
  const rt = newRuntime();

  it('ALU, register and immediate operands', () => {
    const ops = ALU_OPS.filter((o) => !o.startsWith('movsx'));
    fc.assert(
      fc.property(
        fc.constantFrom(...ops),
        fc.constantFrom(32 as const, 64 as const),
        fc.boolean(),
        edge,
        edge,
        imm32,
        (op, width, anyReg, a, b, imm) => {
          const reg = anyReg && op !== 'neg'; // neg has only the immediate encoding
          const operand = reg ? b : u64(BigInt(imm));
          const insns: Insn[] = [
            lddw(0, a),
            lddw(1, b),
            {
              kind: 'alu',
              width,
              op,
              source: reg ? 'reg' : 'imm',
              dst: 0,
              src: reg ? 1 : 0,
              imm: reg ? 0 : imm,
            },
            { kind: 'exit' },
          ];
          expect(runOn(rt, insns)).toBe(alu(op, width, a, operand));
        },
      ),
      { seed: 4669, numRuns: 3000 },
    );
  });

  it('sign-extending moves', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('movsx8', 'movsx16', 'movsx32') as fc.Arbitrary<AluOp>,
        edge,
        edge,
        (op, a, b) => {
          const width = op === 'movsx32' ? 64 : 64;
          const insns: Insn[] = [
            lddw(0, a),
            lddw(1, b),
            { kind: 'alu', width, op, source: 'reg', dst: 0, src: 1, imm: 0 },
            { kind: 'exit' },
          ];
          expect(runOn(rt, insns)).toBe(u64(alu(op, width, a, b)));
        },
      ),
      { seed: 9669, numRuns: 500 },
    );
  });

  it('conditional jumps', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...JMP_OPS),
        fc.constantFrom(32 as const, 64 as const),
        fc.boolean(),
        edge,
        edge,
        imm32,
        (op, width, reg, a, b, imm) => {
          const operand = reg ? b : u64(BigInt(imm));
          const insns: Insn[] = [
            lddw(2, a),
            lddw(1, b),
            { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 1 },
            {
              kind: 'jmp',
              width,
              op,
              source: reg ? 'reg' : 'imm',
              dst: 2,
              src: reg ? 1 : 0,
              imm: reg ? 0 : imm,
              off: 1,
            },
            { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 0 },
            { kind: 'exit' },
          ];
          expect(runOn(rt, insns)).toBe(jmp(op, width, a, operand) ? 1n : 0n);
        },
      ),
      { seed: 1234, numRuns: 3000 },
    );
  });
});
