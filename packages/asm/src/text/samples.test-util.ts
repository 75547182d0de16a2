/** Instructions for property tests and corpora: every OPCODE_TABLE row, with operand values. */
import { type Insn, OPCODE_TABLE, type OpcodeRow } from '@tbpf/isa';
import fc from 'fast-check';

export interface Operands {
  dst: number;
  src: number;
  off: number;
  imm: number;
  imm2: number;
}

/** A concrete instruction of a row; fields the row does not have are 0. */
export function instantiate(row: OpcodeRow, v: Operands): Insn {
  const s = row.shape;
  switch (s.kind) {
    case 'alu':
      return {
        ...s,
        dst: v.dst,
        src: s.source === 'reg' ? v.src : 0,
        imm: s.source === 'imm' && s.op !== 'neg' ? v.imm : 0,
      };
    case 'jmp':
      return {
        ...s,
        dst: v.dst,
        src: s.source === 'reg' ? v.src : 0,
        imm: s.source === 'imm' ? v.imm : 0,
        off: v.off,
      };
    case 'end':
      return { ...s, dst: v.dst };
    case 'ja':
      return { kind: 'ja', off: v.off };
    case 'gotol':
      return { kind: 'gotol', imm: v.imm };
    case 'call':
      return { kind: 'call', target: s.target, imm: v.imm };
    case 'callx':
      return { kind: 'callx', reg: v.dst };
    case 'exit':
      return { kind: 'exit' };
    case 'lddw':
      return { ...s, dst: v.dst, imm: v.imm, imm2: v.imm2 };
    case 'ldabs':
      return { ...s, imm: v.imm };
    case 'ldind':
      return { ...s, src: v.src, imm: v.imm };
    case 'ldx':
    case 'stx':
    case 'atomic':
      return { ...s, dst: v.dst, src: v.src, off: v.off };
    case 'st':
      return { ...s, dst: v.dst, off: v.off, imm: v.imm };
  }
}

/**
 * What LLVM's assembly syntax cannot say: local and kfunc calls have no numeric spelling,
 * `skb[rN]` has no immediate, and `ld_pseudo` has no second immediate.
 */
export function llvmCanWrite(insn: Insn): boolean {
  if (insn.kind === 'call') return insn.target === 'helper';
  if (insn.kind === 'ldind') return insn.imm === 0;
  if (insn.kind === 'lddw') return insn.source === 'imm64' || insn.imm2 === 0;
  return true;
}

const operands = fc.record({
  dst: fc.integer({ min: 0, max: 10 }),
  src: fc.integer({ min: 0, max: 10 }),
  off: fc.integer({ min: -32768, max: 32767 }),
  imm: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  imm2: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
});

/** Any valid instruction. */
export const arbitraryInsn: fc.Arbitrary<Insn> = fc
  .tuple(fc.constantFrom(...OPCODE_TABLE), operands)
  .map(([row, v]) => instantiate(row, v));
