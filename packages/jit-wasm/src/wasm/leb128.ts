/**
 * LEB128 encoders, the variable-length integers of the WebAssembly binary format. Each writes
 * into `b` at `p` and returns the position after the value; the caller has made room (at most
 * 5 bytes for 32-bit values, 10 for 64-bit). The 64-bit signed form takes the value as two
 * 32-bit halves so that compiling never needs a BigInt.
 */

/** Write `value` (0 ≤ value < 2^32) as unsigned LEB128. */
export function writeU32(b: Uint8Array, p: number, value: number): number {
  let v = value >>> 0;
  while (v > 0x7f) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}

/** Write a signed 32-bit value as signed LEB128. */
export function writeI32(b: Uint8Array, p: number, value: number): number {
  let v = value | 0;
  // -64 ≤ v < 64: one byte (most immediates and offsets).
  while (v >= 64 || v < -64) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>= 7;
  }
  b[p++] = v & 0x7f;
  return p;
}

/** Write the signed 64-bit value `hi:lo` (two 32-bit halves) as signed LEB128. */
export function writeI64(b: Uint8Array, p: number, lo: number, hi: number): number {
  // A value that is a sign-extended 32-bit value has the 32-bit encoding.
  if ((hi | 0) === lo >> 31) return writeI32(b, p, lo);
  let l = lo >>> 0;
  let h = hi | 0;
  for (;;) {
    const byte = l & 0x7f;
    l = ((l >>> 7) | (h << 25)) >>> 0;
    h >>= 7;
    const done =
      (h === 0 && l === 0 && (byte & 0x40) === 0) || (h === -1 && l === 0xffffffff && (byte & 0x40) !== 0);
    b[p++] = done ? byte : byte | 0x80;
    if (done) return p;
  }
}
