/**
 * Program bytes straight to the packed form (./packed.ts), with no instruction objects in
 * between: what loading a program for an engine needs, at a few ns per instruction instead of an
 * object per instruction and a megamorphic read of each. It accepts exactly what `decode`
 * accepts and returns `packInsns(decode(bytes))`: anything it does not handle itself (an error,
 * big-endian bytes) goes to that exact path, which throws decode's IsaError.
 */
import { decode } from './decode.js';
import {
  KIND_ALU,
  KIND_ATOMIC,
  KIND_CALL,
  KIND_CALLX,
  KIND_END,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
  KIND_LDABS,
  KIND_LDDW,
  KIND_LDIND,
  KIND_LDX,
  KIND_ST,
  KIND_STX,
  OP_KIND,
  OP_REG,
  type PackedInsns,
  packInsns,
  zeroPacked,
} from './packed.js';
import type { Endian } from './raw.js';
import { type Field, OPCODE_TABLE } from './table.js';

/** Field bits: what a row requires to be zero, and which field selects among an opcode's rows. */
const F_DST = 1;
const F_SRC = 2;
const F_OFF = 4;
const F_IMM = 8;
const FIELD_BIT: Record<Field, number> = { dst: F_DST, src: F_SRC, off: F_OFF, imm: F_IMM };

/** ROW_OF values that are no row id: no row (or rows `decode` must choose), and "selected by a field". */
const NO_ROW = -1;
const SELECTED = -2;

/**
 * A row's checks and stores as one number (INFO): the register-byte bits that must be zero
 * (low byte: 0x0f dst, 0xf0 src), offset and immediate that must be zero, the fields its kind
 * keeps (the others stay 0, as packInsns leaves them), and lddw's second slot.
 */
const Z_OFF = 1 << 8;
const Z_IMM = 1 << 9;
const K_DST = 1 << 10;
const K_SRC = 1 << 11;
const K_OFF = 1 << 12;
const K_IMM = 1 << 13;
const K_LDDW = 1 << 14;

/** The fields packInsns keeps for each kind (by KIND_* index); ALU and jumps keep src or imm by OP_REG. */
function kept(id: number): number {
  const operand = OP_REG[id] === 1 ? K_SRC : K_IMM;
  switch (OP_KIND[id]) {
    case KIND_ALU:
      return K_DST | operand;
    case KIND_JMP:
      return K_DST | operand | K_OFF;
    case KIND_LDX:
    case KIND_STX:
    case KIND_ATOMIC:
      return K_DST | K_SRC | K_OFF;
    case KIND_ST:
      return K_DST | K_OFF | K_IMM;
    case KIND_LDDW:
      return K_DST | K_IMM | K_LDDW;
    case KIND_GOTOL:
    case KIND_CALL:
    case KIND_LDABS:
      return K_IMM;
    case KIND_JA:
      return K_OFF;
    case KIND_END:
    case KIND_CALLX:
      return K_DST;
    case KIND_LDIND:
      return K_SRC | K_IMM;
    default:
      return 0;
  }
}

/**
 * Per opcode byte (built on first use): ROW_OF, its row id, NO_ROW or SELECTED; for SELECTED
 * opcodes the selecting field, the row a zero selector value picks, and the (value, id) pairs
 * of the rows it selects — those of opcode o at [selectStart[o], selectStart[o + 1]). Per row,
 * INFO and its zero fields.
 */
interface Rows {
  rowOf: Int16Array;
  selectField: Uint8Array;
  ifZero: Int16Array;
  plain: Int16Array;
  selectStart: Int32Array;
  selectValue: Int32Array;
  selectId: Int16Array;
  zero: Uint8Array;
  info: Int32Array;
  /** Per register byte: 1 when a register nibble is above r10. */
  badRegs: Uint8Array;
}

let rows: Rows | undefined;

function buildRows(): Rows {
  const selectors = OPCODE_TABLE.filter((row) => row.select).sort((a, b) => a.opcode - b.opcode);
  const r: Rows = {
    rowOf: new Int16Array(256).fill(NO_ROW),
    selectField: new Uint8Array(256),
    ifZero: new Int16Array(256).fill(NO_ROW),
    plain: new Int16Array(256).fill(NO_ROW),
    selectStart: new Int32Array(257),
    selectValue: Int32Array.from(selectors, (row) => row.select?.value ?? 0),
    selectId: Int16Array.from(selectors, (row) => row.id),
    zero: new Uint8Array(OPCODE_TABLE.length),
    info: new Int32Array(OPCODE_TABLE.length),
    badRegs: Uint8Array.from({ length: 256 }, (_, b) => ((b & 0x0f) > 10 || b >> 4 > 10 ? 1 : 0)),
  };
  // Opcodes whose rows select on more than one field, or with two plain rows: left to `decode`.
  const irregular = new Uint8Array(256);
  for (const row of OPCODE_TABLE) {
    let zero = 0;
    for (const f of row.zero) zero |= FIELD_BIT[f];
    r.zero[row.id] = zero;
    r.info[row.id] =
      (zero & F_DST ? 0x0f : 0) |
      (zero & F_SRC ? 0xf0 : 0) |
      (zero & F_OFF ? Z_OFF : 0) |
      (zero & F_IMM ? Z_IMM : 0) |
      kept(row.id);
    if (!row.select) {
      if (r.plain[row.opcode] >= 0) irregular[row.opcode] = 1;
      r.plain[row.opcode] = row.id;
      continue;
    }
    const bit = FIELD_BIT[row.select.field];
    if (r.selectField[row.opcode] !== 0 && r.selectField[row.opcode] !== bit) irregular[row.opcode] = 1;
    r.selectField[row.opcode] = bit;
  }
  for (let o = 0, k = 0; o <= 256; o++) {
    while (k < selectors.length && selectors[k].opcode < o) k++;
    r.selectStart[o] = k;
  }
  for (let o = 0; o < 256; o++) {
    if (irregular[o]) continue;
    r.rowOf[o] = r.selectField[o] === 0 ? r.plain[o] : SELECTED;
    if (r.selectField[o] !== 0) r.ifZero[o] = selectRow(r, o, 0);
  }
  return r;
}

/**
 * decode's row choice for a SELECTED opcode: the row whose selector value the field holds,
 * else the plain row — unless the field is one the plain row needs zero and holds a value no
 * row selects. NO_ROW when there is none.
 */
function selectRow(r: Rows, opcode: number, value: number): number {
  for (let k = r.selectStart[opcode]; k < r.selectStart[opcode + 1]; k++) {
    if (r.selectValue[k] === value) return r.selectId[k];
  }
  const plain = r.plain[opcode];
  return plain >= 0 && (value === 0 || (r.zero[plain] & r.selectField[opcode]) === 0) ? plain : NO_ROW;
}

/** Whether typed arrays on this host are little-endian (as BPF's wire order here). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The bytes as 32-bit words (copied when their offset is not a multiple of 4). */
function words(bytes: Uint8Array): Int32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
}

/**
 * Decode little-endian program bytes into the packed form; see the module comment. The loop is
 * what a fresh process runs unoptimised on its first program, and what V8 then compiles while
 * it runs (on-stack replacement): two word reads and a few table reads per slot, and no branch
 * per kind, keep both cheap.
 */
export function decodePacked(bytes: Uint8Array, endian: Endian = 'little'): PackedInsns {
  const exact = () => packInsns(decode(bytes, endian));
  if (endian !== 'little' || !HOST_LITTLE_ENDIAN || bytes.length % 8 !== 0) return exact();
  rows ??= buildRows();
  const r = rows;
  const { rowOf, selectField, ifZero, info, badRegs } = r;
  const w = words(bytes);
  const slots = w.length >> 1;
  // Sized for one instruction per slot, then trimmed to the count (lddw takes two slots).
  const code = zeroPacked(slots);
  const { op, dst, src, off, imm, imm2 } = code;
  let n = 0;
  for (let at = 0; at < w.length; at += 2, n++) {
    // A slot: opcode, registers (dst low nibble), offset (16 bits), immediate (32 bits).
    const head = w[at];
    const im = w[at + 1];
    const opcode = head & 0xff;
    const regs = (head >> 8) & 0xff;
    const offset = head >> 16;
    let id = rowOf[opcode];
    if (id === SELECTED) {
      const field = selectField[opcode];
      const value = field === F_SRC ? regs >> 4 : field === F_OFF ? offset : im;
      id = value === 0 ? ifZero[opcode] : selectRow(r, opcode, value);
    }
    if (id < 0) return exact();
    const row = info[id];
    if (
      badRegs[regs] !== 0 ||
      (regs & row & 0xff) !== 0 ||
      (row & Z_OFF && offset !== 0) ||
      (row & Z_IMM && im !== 0)
    )
      return exact();
    op[n] = id;
    if (row & K_DST) dst[n] = regs & 0x0f;
    if (row & K_SRC) src[n] = regs >> 4;
    if (row & K_OFF) off[n] = offset;
    if (row & K_IMM) imm[n] = im;
    if (row & K_LDDW) {
      at += 2;
      // The second slot: present, opcode, registers and offset 0.
      if (at >= w.length || w[at] !== 0) return exact();
      imm2[n] = w[at + 1];
    }
  }
  if (n === slots) return code;
  return {
    length: n,
    op: op.slice(0, n),
    dst: dst.slice(0, n),
    src: src.slice(0, n),
    off: off.slice(0, n),
    imm: imm.slice(0, n),
    imm2: imm2.slice(0, n),
  };
}
