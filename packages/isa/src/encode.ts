import { IsaError } from './errors.js';
import { type Insn, insnWidth } from './insn.js';
import { type Endian, type RawSlot, writeSlots } from './raw.js';
import { type OpcodeRow, rowOf } from './table.js';

function checkReg(reg: number, what: string, index: number): number {
  if (!Number.isInteger(reg) || reg < 0 || reg > 10) {
    throw new IsaError('bad-register', `${what} register r${reg} is not r0–r10`, index);
  }
  return reg;
}

function checkInt(value: number, bits: 16 | 32, what: string, index: number): number {
  const min = -(2 ** (bits - 1));
  // Immediates may be spelled unsigned (0xffffffff for -1); offsets are signed only.
  const max = bits === 32 ? 2 ** 32 - 1 : 2 ** 15 - 1;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IsaError('out-of-range', `${what} ${value} does not fit in ${bits} bits`, index);
  }
  return bits === 16 ? (value << 16) >> 16 : value | 0;
}

/** The raw slot(s) of one instruction. `index` only labels errors. */
export function encodeSlots(insn: Insn, index = -1): RawSlot[] {
  const row: OpcodeRow | undefined = rowOf(insn);
  if (!row) throw new IsaError('bad-selector', `no encoding for ${JSON.stringify(insn)}`, index);
  const raw: RawSlot = { opcode: row.opcode, dst: 0, src: 0, off: 0, imm: 0 };
  switch (insn.kind) {
    case 'alu':
    case 'jmp':
      raw.dst = checkReg(insn.dst, 'destination', index);
      if (insn.source === 'reg') raw.src = checkReg(insn.src, 'source', index);
      else raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      if (insn.kind === 'jmp') raw.off = checkInt(insn.off, 16, 'offset', index);
      break;
    case 'end':
      raw.dst = checkReg(insn.dst, 'destination', index);
      break;
    case 'ja':
      raw.off = checkInt(insn.off, 16, 'offset', index);
      break;
    case 'gotol':
    case 'call':
      raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      break;
    case 'callx':
      raw.dst = checkReg(insn.reg, 'call', index);
      break;
    case 'exit':
      break;
    case 'lddw':
      raw.dst = checkReg(insn.dst, 'destination', index);
      raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      break;
    case 'ldabs':
      raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      break;
    case 'ldind':
      raw.src = checkReg(insn.src, 'source', index);
      raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      break;
    case 'ldx':
    case 'stx':
    case 'atomic':
      raw.dst = checkReg(insn.dst, 'destination', index);
      raw.src = checkReg(insn.src, 'source', index);
      raw.off = checkInt(insn.off, 16, 'offset', index);
      break;
    case 'st':
      raw.dst = checkReg(insn.dst, 'destination', index);
      raw.off = checkInt(insn.off, 16, 'offset', index);
      raw.imm = checkInt(insn.imm, 32, 'immediate', index);
      break;
  }
  if (row.select) raw[row.select.field] = row.select.value;
  if (insn.kind === 'lddw') {
    return [raw, { opcode: 0, dst: 0, src: 0, off: 0, imm: checkInt(insn.imm2, 32, 'immediate', index) }];
  }
  return [raw];
}

/** Encode a program; `lddw` takes two slots. */
export function encode(insns: readonly Insn[], endian: Endian = 'little'): Uint8Array {
  const slots: RawSlot[] = [];
  insns.forEach((insn, i) => {
    slots.push(...encodeSlots(insn, i));
  });
  return writeSlots(slots, endian);
}

/** Total number of slots of a program. */
export function slotCount(insns: readonly Insn[]): number {
  let n = 0;
  for (const insn of insns) n += insnWidth(insn);
  return n;
}
