/**
 * A growable byte buffer: the lowest emitter layer (`emit1/2/4/8`). Everything above it
 * writes machine code through these four calls only. They do not check the capacity: the
 * code generator calls `ensure` once with a bound on everything it will emit
 * (codegen/size-bounds.ts), and `checkOverrun` afterwards.
 */
export class CodeBuffer {
  bytes: Uint8Array;
  len = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): void {
    this.len = 0;
  }

  /** Make room for at least `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.len + n));
    bigger.set(this.bytes.subarray(0, this.len));
    this.bytes = bigger;
  }

  emit1(b: number): void {
    this.bytes[this.len++] = b;
  }

  /** Little-endian 16-bit value. */
  emit2(v: number): void {
    this.bytes[this.len++] = v;
    this.bytes[this.len++] = v >>> 8;
  }

  /** Little-endian 32-bit value (signed or unsigned). */
  emit4(v: number): void {
    const b = this.bytes;
    b[this.len++] = v;
    b[this.len++] = v >>> 8;
    b[this.len++] = v >>> 16;
    b[this.len++] = v >>> 24;
  }

  /** Little-endian 64-bit value given as two 32-bit halves. */
  emit8(lo: number, hi: number): void {
    this.emit4(lo);
    this.emit4(hi);
  }

  /** Overwrite a little-endian 32-bit value already emitted. */
  patch4(at: number, v: number): void {
    const b = this.bytes;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
  }

  /** Overwrite one byte already emitted (a short jump's displacement). */
  patch1(at: number, b: number): void {
    this.bytes[at] = b;
  }

  /** Throws if more was emitted than `ensure` made room for (those bytes were lost). */
  checkOverrun(): void {
    if (this.len > this.bytes.length) throw new Error('internal: code buffer overrun');
  }

  /** A copy of the bytes emitted so far. */
  finish(): Uint8Array {
    this.checkOverrun();
    return this.bytes.slice(0, this.len);
  }
}
