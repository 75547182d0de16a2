import { writeI32, writeI64, writeU32 } from './leb128.js';

/**
 * A growable byte buffer: what every encoder here writes into. Hot code writes `buf` directly
 * at `length` after `ensure(n)`, and sets `length` after.
 */
export class ByteWriter {
  buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  push(byte: number): void {
    if (this.length === this.buf.length) this.ensure(1);
    this.buf[this.length++] = byte;
  }

  pushBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  pushU32(value: number): void {
    this.ensure(5);
    this.length = writeU32(this.buf, this.length, value);
  }

  pushI32(value: number): void {
    this.ensure(5);
    this.length = writeI32(this.buf, this.length, value);
  }

  pushI64(lo: number, hi: number): void {
    this.ensure(10);
    this.length = writeI64(this.buf, this.length, lo, hi);
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}
