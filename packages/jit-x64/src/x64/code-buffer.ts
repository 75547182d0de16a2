/**
 * A growable byte buffer: the lowest emitter layer (`emit1/2/4/8`). Everything above it
 * writes machine code through these four calls only. They do not check the capacity: the
 * code generator calls `ensure` with a bound on what one instruction emits before lowering it
 * (one check per instruction instead of one per byte).
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

  /** Append bytes[start, end) of another buffer. */
  copy(bytes: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    const out = this.bytes;
    let at = this.len;
    // Runs between jumps are short: a loop beats creating a subarray view for each.
    for (let i = start; i < end; i++) out[at++] = bytes[i];
    this.len = at;
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

  /** The bytes emitted so far, without a copy (a view of the buffer). */
  view(): Uint8Array {
    this.checkOverrun();
    return this.bytes.subarray(0, this.len);
  }

  /** A copy of the bytes emitted so far. */
  finish(): Uint8Array {
    this.checkOverrun();
    return this.bytes.slice(0, this.len);
  }
}
