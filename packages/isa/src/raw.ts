import { IsaError } from './errors.js';

/** One 8-byte slot exactly as on the wire, fields unpacked. */
export interface RawSlot {
  opcode: number;
  dst: number;
  src: number;
  /** Signed 16-bit. */
  off: number;
  /** Signed 32-bit. */
  imm: number;
}

export type Endian = 'little' | 'big';

export const SLOT_BYTES = 8;

/** Read slot `slot` of `bytes`. The register byte holds dst in the low nibble (little-endian) or the high nibble (big-endian). */
export function readSlot(view: DataView, slot: number, endian: Endian = 'little'): RawSlot {
  return readSlotInto({ opcode: 0, dst: 0, src: 0, off: 0, imm: 0 }, view, slot, endian);
}

/** `readSlot` into an existing slot object (decoding a whole program reuses two). */
export function readSlotInto(into: RawSlot, view: DataView, slot: number, endian: Endian): RawSlot {
  const at = slot * SLOT_BYTES;
  const le = endian === 'little';
  const regs = view.getUint8(at + 1);
  into.opcode = view.getUint8(at);
  into.dst = le ? regs & 0x0f : regs >> 4;
  into.src = le ? regs >> 4 : regs & 0x0f;
  into.off = view.getInt16(at + 2, le);
  into.imm = view.getInt32(at + 4, le);
  return into;
}

export function writeSlot(view: DataView, slot: number, raw: RawSlot, endian: Endian = 'little'): void {
  const at = slot * SLOT_BYTES;
  const le = endian === 'little';
  view.setUint8(at, raw.opcode);
  view.setUint8(at + 1, le ? (raw.src << 4) | raw.dst : (raw.dst << 4) | raw.src);
  view.setInt16(at + 2, raw.off, le);
  view.setInt32(at + 4, raw.imm, le);
}

/** Split a byte buffer into raw slots; the length must be a multiple of 8. */
export function readSlots(bytes: Uint8Array, endian: Endian = 'little'): RawSlot[] {
  const view = slotView(bytes);
  const slots: RawSlot[] = [];
  for (let s = 0; s < bytes.length / SLOT_BYTES; s++) slots.push(readSlot(view, s, endian));
  return slots;
}

/** A view of program bytes, which must be whole slots. */
export function slotView(bytes: Uint8Array): DataView {
  if (bytes.length % SLOT_BYTES !== 0) {
    throw new IsaError(
      'truncated',
      `program length ${bytes.length} is not a multiple of ${SLOT_BYTES} bytes`,
      -1,
      Math.floor(bytes.length / SLOT_BYTES),
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function writeSlots(slots: readonly RawSlot[], endian: Endian = 'little'): Uint8Array {
  const bytes = new Uint8Array(slots.length * SLOT_BYTES);
  const view = new DataView(bytes.buffer);
  slots.forEach((raw, s) => {
    writeSlot(view, s, raw, endian);
  });
  return bytes;
}
