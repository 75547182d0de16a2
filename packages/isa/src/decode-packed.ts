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
  KIND_EXIT,
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

/**
 * Per opcode byte (built on first use): the row without a selector (-1: none), the field the
 * other rows select on (0: none), and those rows as (value, id) pairs — the pairs of opcode o
 * at [selectStart[o], selectStart[o + 1]); per row, its zero fields.
 */
interface Rows {
  plain: Int16Array;
  selectField: Uint8Array;
  selectStart: Int32Array;
  selectValue: Int32Array;
  selectId: Int16Array;
  zero: Uint8Array;
  /** Per row: 1 when it is selected by its src field (which is then no register). */
  selectsSrc: Uint8Array;
  /** Opcodes whose rows select on more than one field: left to `decode`. */
  irregular: Uint8Array;
}

let rows: Rows | undefined;

function buildRows(): Rows {
  const selectors = OPCODE_TABLE.filter((row) => row.select).sort((a, b) => a.opcode - b.opcode);
  const r: Rows = {
    plain: new Int16Array(256).fill(-1),
    selectField: new Uint8Array(256),
    selectStart: new Int32Array(257),
    selectValue: Int32Array.from(selectors, (row) => row.select?.value ?? 0),
    selectId: Int16Array.from(selectors, (row) => row.id),
    zero: new Uint8Array(OPCODE_TABLE.length),
    selectsSrc: new Uint8Array(OPCODE_TABLE.length),
    irregular: new Uint8Array(256),
  };
  for (const row of OPCODE_TABLE) {
    let zero = 0;
    for (const f of row.zero) zero |= FIELD_BIT[f];
    r.zero[row.id] = zero;
    if (!row.select) {
      if (r.plain[row.opcode] >= 0) r.irregular[row.opcode] = 1;
      r.plain[row.opcode] = row.id;
      continue;
    }
    const bit = FIELD_BIT[row.select.field];
    r.selectsSrc[row.id] = bit === F_SRC ? 1 : 0;
    if (r.selectField[row.opcode] !== 0 && r.selectField[row.opcode] !== bit) r.irregular[row.opcode] = 1;
    r.selectField[row.opcode] = bit;
  }
  for (let o = 0, k = 0; o <= 256; o++) {
    while (k < selectors.length && selectors[k].opcode < o) k++;
    r.selectStart[o] = k;
  }
  return r;
}

/** Decode little-endian program bytes into the packed form; see the module comment. */
export function decodePacked(bytes: Uint8Array, endian: Endian = 'little'): PackedInsns {
  const exact = () => packInsns(decode(bytes, endian));
  if (endian !== 'little' || bytes.length % 8 !== 0) return exact();
  rows ??= buildRows();
  const { plain, selectField, selectStart, selectValue, selectId, zero, selectsSrc, irregular } = rows;
  const slots = bytes.length >> 3;
  // Sized for one instruction per slot, then trimmed to the count (lddw takes two slots).
  const code = zeroPacked(slots);
  const { op, dst, src, off, imm, imm2 } = code;
  let n = 0;
  for (let s = 0; s < slots; s++, n++) {
    const at = s << 3;
    const opcode = bytes[at];
    const d = bytes[at + 1] & 0x0f;
    const sr = bytes[at + 1] >> 4;
    const o = ((bytes[at + 2] | (bytes[at + 3] << 8)) << 16) >> 16;
    const im = bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24);
    if (irregular[opcode]) return exact();
    // decode's row choice: a selector row whose value the field holds, else the plain row —
    // unless the field is one the plain row needs zero and holds a value no row selects.
    const field = selectField[opcode];
    let id = -1;
    if (field !== 0) {
      const value = field === F_SRC ? sr : field === F_OFF ? o : im;
      for (let k = selectStart[opcode]; k < selectStart[opcode + 1]; k++) {
        if (selectValue[k] === value) {
          id = selectId[k];
          break;
        }
      }
      if (id < 0 && plain[opcode] >= 0 && (value === 0 || (zero[plain[opcode]] & field) === 0))
        id = plain[opcode];
    } else id = plain[opcode];
    if (id < 0 || d > 10 || (selectsSrc[id] === 0 && sr > 10)) return exact();
    const z = zero[id];
    if (
      (z & F_DST && d !== 0) ||
      (z & F_SRC && sr !== 0) ||
      (z & F_OFF && o !== 0) ||
      (z & F_IMM && im !== 0)
    )
      return exact();
    op[n] = id;
    // The fields packInsns keeps for each kind (the others stay 0).
    switch (OP_KIND[id]) {
      case KIND_ALU:
      case KIND_JMP:
        dst[n] = d;
        if (OP_REG[id] === 1) src[n] = sr;
        else imm[n] = im;
        if (OP_KIND[id] === KIND_JMP) off[n] = o;
        break;
      case KIND_LDX:
      case KIND_STX:
      case KIND_ATOMIC:
        dst[n] = d;
        src[n] = sr;
        off[n] = o;
        break;
      case KIND_ST:
        dst[n] = d;
        off[n] = o;
        imm[n] = im;
        break;
      case KIND_LDDW: {
        const next = at + 8;
        // The second slot: present, opcode, registers and offset 0.
        if (s + 1 >= slots || (bytes[next] | bytes[next + 1] | bytes[next + 2] | bytes[next + 3]) !== 0)
          return exact();
        dst[n] = d;
        imm[n] = im;
        imm2[n] =
          bytes[next + 4] | (bytes[next + 5] << 8) | (bytes[next + 6] << 16) | (bytes[next + 7] << 24);
        s++;
        break;
      }
      case KIND_GOTOL:
      case KIND_CALL:
      case KIND_LDABS:
        imm[n] = im;
        break;
      case KIND_EXIT:
        break;
      case KIND_JA:
        off[n] = o;
        break;
      case KIND_END:
      case KIND_CALLX:
        dst[n] = d;
        break;
      case KIND_LDIND:
        src[n] = sr;
        imm[n] = im;
        break;
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
