/**
 * LEB128 encoders, the variable-length integers of the WebAssembly binary format. The 64-bit
 * signed form takes the value as two 32-bit halves so that compiling never needs a BigInt.
 */
import type { ByteSink } from './bytes.js';

/** Append `value` (0 ≤ value < 2^32) as unsigned LEB128. */
export function pushU32(out: ByteSink, value: number): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

/** Append a signed 32-bit value as signed LEB128. */
export function pushI32(out: ByteSink, value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Append the signed 64-bit value `hi:lo` (two 32-bit halves) as signed LEB128. */
export function pushI64(out: ByteSink, lo: number, hi: number): void {
  let l = lo >>> 0;
  let h = hi | 0;
  for (;;) {
    const byte = l & 0x7f;
    l = ((l >>> 7) | (h << 25)) >>> 0;
    h >>= 7;
    const done =
      (h === 0 && l === 0 && (byte & 0x40) === 0) || (h === -1 && l === 0xffffffff && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}
