import { IsaError } from './errors.js';
import type { Insn } from './insn.js';
import { type Endian, type RawSlot, readSlotInto, SLOT_BYTES, slotView } from './raw.js';
import { type OpcodeRow, rowsForOpcode, type Shape } from './table.js';

function hex(n: number, width = 2): string {
  return `0x${(n >>> 0).toString(16).padStart(width, '0')}`;
}

function selectorName(row: OpcodeRow): string {
  return row.shape.kind === 'end'
    ? 'byte-order immediate'
    : row.shape.kind === 'atomic'
      ? 'atomic operation immediate'
      : row.select?.field === 'src'
        ? 'source field'
        : 'offset';
}

function pickRow(raw: RawSlot, index: number, slot: number): OpcodeRow {
  const rows = rowsForOpcode(raw.opcode);
  if (rows.length === 0)
    throw new IsaError('unknown-opcode', `unknown opcode ${hex(raw.opcode)}`, index, slot);
  // Plain loops: this runs once per instruction and allocates nothing.
  let plain: OpcodeRow | undefined;
  let r0: OpcodeRow | undefined;
  for (const r of rows) {
    if (!r.select) plain ??= r;
    else if (raw[r.select.field] === r.select.value) return r;
    else r0 ??= r;
  }
  r0 ??= rows[0];
  const field = r0.select?.field;
  // A plain row applies unless its selector field carries a value some other row would select on.
  if (plain && (!field || raw[field] === 0 || !plain.zero.includes(field))) return plain;
  if (!field) throw new IsaError('unknown-opcode', `unknown opcode ${hex(raw.opcode)}`, index, slot);
  throw new IsaError(
    'bad-selector',
    `invalid ${selectorName(r0)} ${field === 'imm' ? hex(raw.imm) : raw[field]} for opcode ${hex(raw.opcode)}`,
    index,
    slot,
  );
}

/** The instruction of a row's shape with the slot's operands, as a plain literal per kind (decoding is hot). */
function build(shape: Shape, raw: RawSlot): Insn {
  switch (shape.kind) {
    case 'alu':
      return {
        kind: 'alu',
        width: shape.width,
        op: shape.op,
        source: shape.source,
        dst: raw.dst,
        src: raw.src,
        imm: raw.imm,
      };
    case 'jmp':
      return {
        kind: 'jmp',
        width: shape.width,
        op: shape.op,
        source: shape.source,
        dst: raw.dst,
        src: raw.src,
        imm: raw.imm,
        off: raw.off,
      };
    case 'end':
      return { kind: 'end', op: shape.op, bits: shape.bits, dst: raw.dst };
    case 'ja':
      return { kind: 'ja', off: raw.off };
    case 'gotol':
      return { kind: 'gotol', imm: raw.imm };
    case 'call':
      return { kind: 'call', target: shape.target, imm: raw.imm };
    case 'callx':
      return { kind: 'callx', reg: raw.dst };
    case 'exit':
      return { kind: 'exit' };
    case 'lddw':
      return { kind: 'lddw', source: shape.source, dst: raw.dst, imm: raw.imm, imm2: 0 };
    case 'ldabs':
      return { kind: 'ldabs', size: shape.size, imm: raw.imm };
    case 'ldind':
      return { kind: 'ldind', size: shape.size, src: raw.src, imm: raw.imm };
    case 'ldx':
      return {
        kind: 'ldx',
        size: shape.size,
        signed: shape.signed,
        dst: raw.dst,
        src: raw.src,
        off: raw.off,
      };
    case 'stx':
      return { kind: 'stx', size: shape.size, dst: raw.dst, src: raw.src, off: raw.off };
    case 'st':
      return { kind: 'st', size: shape.size, dst: raw.dst, off: raw.off, imm: raw.imm };
    case 'atomic':
      return {
        kind: 'atomic',
        size: shape.size,
        op: shape.op,
        fetch: shape.fetch,
        dst: raw.dst,
        src: raw.src,
        off: raw.off,
      };
  }
}

/**
 * The instruction whose first slot is `raw`; `next` is the slot after it (undefined at the end),
 * read only by lddw. `index` (the instruction index) and `slot` only label errors.
 */
function decodeRaw(raw: RawSlot, next: RawSlot | undefined, index: number, slot: number): Insn {
  const row = pickRow(raw, index, slot);
  if (raw.dst > 10)
    throw new IsaError('bad-register', `invalid destination register r${raw.dst}`, index, slot);
  const srcIsRegister = !(row.select?.field === 'src');
  if (srcIsRegister && raw.src > 10) {
    throw new IsaError('bad-register', `invalid source register r${raw.src}`, index, slot);
  }
  for (const field of row.zero) {
    if (raw[field] !== 0) {
      throw new IsaError(
        'reserved-field',
        `reserved field '${field}' is ${raw[field]}, must be 0`,
        index,
        slot,
      );
    }
  }
  const insn = build(row.shape, raw);
  if (insn.kind !== 'lddw') return insn;
  if (!next) throw new IsaError('lddw-second-slot', 'lddw without its second slot', index, slot);
  if (next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
    throw new IsaError(
      'lddw-second-slot',
      'the second slot of lddw must have opcode, registers and offset 0',
      index,
      slot + 1,
    );
  }
  insn.imm2 = next.imm;
  return insn;
}

/**
 * Decode the instruction starting at `slots[slot]`. Returns the instruction and its width.
 * `index` (the instruction index) only labels errors.
 */
export function decodeAt(
  slots: readonly RawSlot[],
  slot: number,
  index = slot,
): { insn: Insn; width: 1 | 2 } {
  const insn = decodeRaw(slots[slot], slots[slot + 1], index, slot);
  return { insn, width: insn.kind === 'lddw' ? 2 : 1 };
}

/** Decode a whole program from raw slots. */
export function decodeSlots(slots: readonly RawSlot[]): Insn[] {
  const insns: Insn[] = [];
  for (let slot = 0; slot < slots.length; ) {
    const insn = decodeRaw(slots[slot], slots[slot + 1], insns.length, slot);
    insns.push(insn);
    slot += insn.kind === 'lddw' ? 2 : 1;
  }
  return insns;
}

/**
 * Decode program bytes. Throws only `IsaError`, naming the instruction index and the reason,
 * for any input. Slots are read into two reused objects: only the instructions are allocated.
 */
export function decode(bytes: Uint8Array, endian: Endian = 'little'): Insn[] {
  const view = slotView(bytes);
  const count = bytes.length / SLOT_BYTES;
  const insns: Insn[] = [];
  let cur: RawSlot = { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 };
  let next: RawSlot = { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 };
  if (count > 0) readSlotInto(cur, view, 0, endian);
  for (let slot = 0; slot < count; ) {
    const hasNext = slot + 1 < count;
    if (hasNext) readSlotInto(next, view, slot + 1, endian);
    const insn = decodeRaw(cur, hasNext ? next : undefined, insns.length, slot);
    insns.push(insn);
    if (insn.kind === 'lddw') {
      slot += 2;
      if (slot < count) readSlotInto(cur, view, slot, endian);
    } else {
      slot += 1;
      const t = cur;
      cur = next;
      next = t;
    }
  }
  return insns;
}
