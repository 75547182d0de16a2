/**
 * Draft (RFC 2013 v1) instructions as data, with builders that read like the v1 `BPF_INSN_*`
 * macros, and their 8-byte encoding. Opcode meanings come from `@tbpf/isa`'s draft table.
 */
import { type DraftOp, decodeDraftOpcode, draftOpcodes, type RawSlot, type Size } from '@tbpf/isa';
import { RfcImageError } from './errors.js';

export interface DraftInsn {
  op: DraftOp;
  /** `a_reg`: destination / "A" operand. */
  dst: number;
  /** `x_reg`: source / "X" operand. */
  src: number;
  off: number;
  imm: number;
  /** For calls built by name: the helper, placed in the string table by `writeRfcImage`. */
  helper?: string;
}

function sameOp(a: DraftOp, b: DraftOp): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The opcode byte of a draft operation. */
export function draftOpcode(op: DraftOp): number {
  for (const [code, known] of draftOpcodes()) if (sameOp(known, op)) return code;
  throw new RfcImageError(`no draft opcode for ${JSON.stringify(op)}`);
}

export function encodeDraftInsn(insn: DraftInsn): RawSlot {
  return { opcode: draftOpcode(insn.op), dst: insn.dst, src: insn.src, off: insn.off, imm: insn.imm };
}

export function decodeDraftInsn(raw: RawSlot, index: number): DraftInsn {
  const op = decodeDraftOpcode(raw.opcode);
  if (!op)
    throw new RfcImageError(`unknown draft opcode 0x${raw.opcode.toString(16).padStart(2, '0')}`, index);
  return { op, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm };
}

type AluName = Extract<DraftOp, { kind: 'alu' }>['op'];
type JmpName = Extract<DraftOp, { kind: 'jmp' }>['op'];

const insn = (op: DraftOp, dst = 0, src = 0, off = 0, imm = 0): DraftInsn => ({ op, dst, src, off, imm });

/** Builders for draft instructions (64-bit ALU, REL memory, JA with X, CALL by name, RET). */
export const draft = {
  aluImm: (op: AluName, dst: number, imm: number) => insn({ kind: 'alu', op, source: 'imm' }, dst, 0, 0, imm),
  aluReg: (op: AluName, dst: number, src: number) => insn({ kind: 'alu', op, source: 'reg' }, dst, src),
  movImm: (dst: number, imm: number) => insn({ kind: 'alu', op: 'mov', source: 'imm' }, dst, 0, 0, imm),
  movReg: (dst: number, src: number) => insn({ kind: 'alu', op: 'mov', source: 'reg' }, dst, src),
  addImm: (dst: number, imm: number) => insn({ kind: 'alu', op: 'add', source: 'imm' }, dst, 0, 0, imm),
  neg: (dst: number) => insn({ kind: 'alu', op: 'neg', source: 'reg' }, dst),
  bswap: (bits: 32 | 64, dst: number) => insn({ kind: 'bswap', bits }, dst),
  ldx: (size: Size, dst: number, src: number, off: number) => insn({ kind: 'ldx', size }, dst, src, off),
  st: (size: Size, dst: number, off: number, imm: number) => insn({ kind: 'st', size }, dst, 0, off, imm),
  stx: (size: Size, dst: number, src: number, off: number) => insn({ kind: 'stx', size }, dst, src, off),
  xadd: (size: Size, dst: number, src: number, off: number) => insn({ kind: 'xadd', size }, dst, src, off),
  jmpImm: (op: JmpName, dst: number, imm: number, off: number) =>
    insn({ kind: 'jmp', op, source: 'imm' }, dst, 0, off, imm),
  jmpReg: (op: JmpName, dst: number, src: number, off: number) =>
    insn({ kind: 'jmp', op, source: 'reg' }, dst, src, off),
  ja: (off: number) => insn({ kind: 'ja' }, 0, 0, off),
  /** A helper call by name; `writeRfcImage` turns it into the name's string-table offset. */
  call: (helper: string): DraftInsn => ({ ...insn({ kind: 'call' }), helper }),
  /** A helper call by string-table offset, as on the wire. */
  callAt: (strtabOffset: number) => insn({ kind: 'call' }, 0, 0, 0, strtabOffset),
  ret: () => insn({ kind: 'ret' }),
};
