import type { Endian } from '@tbpf/isa';
import { ElfError } from './errors.js';

/**
 * Bounds-checked reads from a byte range. Every failure is an `ElfError` naming the section
 * (if any) and the offset, so no input can make the reader throw anything else.
 */
export class ByteReader {
  private readonly view: DataView;
  private readonly le: boolean;
  /** Strings read by `cstring`, by offset. */
  private strings?: Map<number, string>;

  constructor(
    readonly bytes: Uint8Array,
    readonly endian: Endian,
    /** For error messages: the section these bytes belong to (undefined: the whole file). */
    readonly section?: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = endian === 'little';
  }

  get length(): number {
    return this.bytes.length;
  }

  check(offset: number, size: number, what: string): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.bytes.length) {
      throw new ElfError(
        `${what} (${size} bytes) extends past the end (${this.bytes.length} bytes)`,
        this.section,
        offset,
      );
    }
  }

  u8(offset: number, what = 'byte'): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what = 'u16'): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.le);
  }

  u32(offset: number, what = 'u32'): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.le);
  }

  i32(offset: number, what = 'i32'): number {
    this.check(offset, 4, what);
    return this.view.getInt32(offset, this.le);
  }

  /** A u64 that must fit in a JavaScript number (offsets, sizes, symbol values); read as two words, no BigInt. */
  u64(offset: number, what = 'u64'): number {
    this.check(offset, 8, what);
    const low = this.view.getUint32(this.le ? offset : offset + 4, this.le);
    const high = this.view.getUint32(this.le ? offset + 4 : offset, this.le);
    if (high > 0x1fffff) {
      const v = (BigInt(high) << 32n) | BigInt(low);
      throw new ElfError(`${what} 0x${v.toString(16)} is too large`, this.section, offset);
    }
    return high * 2 ** 32 + low;
  }

  i64(offset: number, what = 'i64'): bigint {
    this.check(offset, 8, what);
    return this.view.getBigInt64(offset, this.le);
  }

  slice(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }

  /**
   * A NUL-terminated string starting at `offset`. Each offset is decoded once: string tables
   * name the same file, source line or type many times (line info), and those share one string.
   */
  cstring(offset: number, what = 'string'): string {
    const known = this.strings?.get(offset);
    if (known !== undefined) return known;
    this.check(offset, 0, what);
    if (offset >= this.bytes.length)
      throw new ElfError(`${what} offset is outside the string table`, this.section, offset);
    const end = this.bytes.indexOf(0, offset);
    if (end < 0) throw new ElfError(`${what} is not NUL-terminated`, this.section, offset);
    const text = decodeText(this.bytes.subarray(offset, end));
    this.strings ??= new Map();
    this.strings.set(offset, text);
    return text;
  }
}

const utf8 = new TextDecoder('utf-8');

export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

const utf8Encoder = new TextEncoder();

export function encodeText(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
