/**
 * The RFC 2013 draft image container (DESIGN.md §6; digest §6.2), host-endian:
 *
 *   "bpf\0" | int32 insn_size | int32 table_size | int32 strtab_size
 *   | struct bpf_insn[insn_size / 8] | struct bpf_table[table_size / 20] | strtab
 *
 * `struct bpf_table { u32 type (HASH 1, LPM 2); u32 key_size; u32 elem_size; u32 max_entries; u32 param1; }`.
 * The string table holds NUL-separated helper names; a CALL's imm is a name's byte offset.
 */
import { type Endian, type RawSlot, readSlot, writeSlot } from '@tbpf/isa';
import { type DraftInsn, encodeDraftInsn } from './draft-insn.js';
import { RfcImageError } from './errors.js';

export const RFC_IMAGE_MAGIC = [0x62, 0x70, 0x66, 0x00] as const; // "bpf\0"
export const RFC_HEADER_SIZE = 16;
export const RFC_TABLE_SIZE = 20;
/** v1's limits (bpf_load_image / bpf_check). */
export const RFC_LIMITS = { insns: 4096, tables: 64, strtabBytes: 1024 } as const;
export const RFC_TABLE_TYPES = { hash: 1, lpm: 2 } as const;

export interface RfcTable {
  type: number;
  keySize: number;
  elemSize: number;
  maxEntries: number;
  param1: number;
}

export interface RfcImage {
  endian: Endian;
  /** Draft instructions as raw slots (decode with `decodeDraftInsn`). */
  insns: RawSlot[];
  tables: RfcTable[];
  strtab: Uint8Array;
}

/** Whether `bytes` start like a draft image. */
export function isRfcImage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && RFC_IMAGE_MAGIC.every((b, i) => bytes[i] === b);
}

/** Parse a draft image. Throws only `RfcImageError`. */
export function readRfcImage(bytes: Uint8Array, endian: Endian = 'little'): RfcImage {
  if (!isRfcImage(bytes))
    throw new RfcImageError('not a draft image: it does not start with "bpf\\0"', undefined, 0);
  if (bytes.length < RFC_HEADER_SIZE)
    throw new RfcImageError(`image is ${bytes.length} bytes, shorter than the 16-byte header`, undefined, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === 'little';
  const insnSize = view.getInt32(4, le);
  const tableSize = view.getInt32(8, le);
  const strtabSize = view.getInt32(12, le);
  if (insnSize <= 0 || insnSize % 8 !== 0)
    throw new RfcImageError(`instruction size ${insnSize} is not a positive multiple of 8`, undefined, 4);
  if (tableSize < 0 || tableSize % RFC_TABLE_SIZE !== 0)
    throw new RfcImageError(`table size ${tableSize} is not a multiple of ${RFC_TABLE_SIZE}`, undefined, 8);
  if (strtabSize < 0) throw new RfcImageError(`string table size ${strtabSize} is negative`, undefined, 12);
  const total = RFC_HEADER_SIZE + insnSize + tableSize + strtabSize;
  if (total !== bytes.length) {
    throw new RfcImageError(`sizes add up to ${total} bytes but the image has ${bytes.length}`, undefined, 4);
  }
  if (insnSize / 8 > RFC_LIMITS.insns)
    throw new RfcImageError(`${insnSize / 8} instructions, more than ${RFC_LIMITS.insns}`, undefined, 4);
  if (tableSize / RFC_TABLE_SIZE > RFC_LIMITS.tables)
    throw new RfcImageError(
      `${tableSize / RFC_TABLE_SIZE} tables, more than ${RFC_LIMITS.tables}`,
      undefined,
      8,
    );
  if (strtabSize > RFC_LIMITS.strtabBytes)
    throw new RfcImageError(
      `string table of ${strtabSize} bytes, more than ${RFC_LIMITS.strtabBytes}`,
      undefined,
      12,
    );
  const strtabAt = RFC_HEADER_SIZE + insnSize + tableSize;
  if (strtabSize > 0 && bytes[strtabAt + strtabSize - 1] !== 0) {
    throw new RfcImageError('string table is not NUL-terminated', undefined, strtabAt + strtabSize - 1);
  }
  const insnView = new DataView(bytes.buffer, bytes.byteOffset + RFC_HEADER_SIZE, insnSize);
  const insns: RawSlot[] = [];
  for (let i = 0; i < insnSize / 8; i++) insns.push(readSlot(insnView, i, endian));
  const tables: RfcTable[] = [];
  for (let at = RFC_HEADER_SIZE + insnSize; at < strtabAt; at += RFC_TABLE_SIZE) {
    const u = (k: number) => view.getUint32(at + k * 4, le);
    tables.push({ type: u(0), keySize: u(1), elemSize: u(2), maxEntries: u(3), param1: u(4) });
  }
  return { endian, insns, tables, strtab: bytes.slice(strtabAt) };
}

/**
 * The helper name starting at `offset` of a string table, or undefined unless `offset` is the
 * start of a name (v1 accepted any offset inside the table; a suffix of a name is refused here).
 */
export function strtabName(strtab: Uint8Array, offset: number): string | undefined {
  if (!Number.isInteger(offset) || offset <= 0 || offset >= strtab.length || strtab[offset - 1] !== 0)
    return undefined;
  const end = strtab.indexOf(0, offset);
  if (end < 0) return undefined;
  return new TextDecoder().decode(strtab.subarray(offset, end));
}

export interface RfcImageInput {
  /** Draft instructions; calls built with `draft.call(name)` get their name's offset. */
  insns: DraftInsn[];
  tables?: RfcTable[];
  /** Helper names to place in the string table first, in this order (others follow on first use). */
  helpers?: string[];
  endian?: Endian;
}

/** Build a draft image (the string table starts with "\0", each name once). */
export function writeRfcImage(input: RfcImageInput): Uint8Array {
  const endian = input.endian ?? 'little';
  const le = endian === 'little';
  const encoder = new TextEncoder();
  const names: string[] = [];
  const offsets = new Map<string, number>();
  let strtabSize = 1;
  const intern = (name: string) => {
    let off = offsets.get(name);
    if (off === undefined) {
      off = strtabSize;
      offsets.set(name, off);
      names.push(name);
      strtabSize += encoder.encode(name).length + 1;
    }
    return off;
  };
  for (const h of input.helpers ?? []) intern(h);
  const slots = input.insns.map((insn) =>
    encodeDraftInsn(insn.helper !== undefined ? { ...insn, imm: intern(insn.helper) } : insn),
  );
  const tables = input.tables ?? [];
  const insnSize = slots.length * 8;
  const tableSize = tables.length * RFC_TABLE_SIZE;
  if (names.length === 0) strtabSize = 0;
  const bytes = new Uint8Array(RFC_HEADER_SIZE + insnSize + tableSize + strtabSize);
  const view = new DataView(bytes.buffer);
  bytes.set(RFC_IMAGE_MAGIC);
  view.setInt32(4, insnSize, le);
  view.setInt32(8, tableSize, le);
  view.setInt32(12, strtabSize, le);
  const insnView = new DataView(bytes.buffer, RFC_HEADER_SIZE, insnSize);
  slots.forEach((s, i) => {
    writeSlot(insnView, i, s, endian);
  });
  tables.forEach((t, i) => {
    const at = RFC_HEADER_SIZE + insnSize + i * RFC_TABLE_SIZE;
    [t.type, t.keySize, t.elemSize, t.maxEntries, t.param1].forEach((v, k) => {
      view.setUint32(at + k * 4, v, le);
    });
  });
  let at = RFC_HEADER_SIZE + insnSize + tableSize + 1;
  for (const n of names) {
    const b = encoder.encode(n);
    bytes.set(b, at);
    at += b.length + 1;
  }
  return bytes;
}
