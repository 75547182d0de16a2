/**
 * Internet checksum arithmetic as Linux does it (include/net/checksum.h, x86-64): 32-bit
 * partial sums ("wsum") with end-around carry, folded to 16 bits. Memory is summed as
 * little-endian 16-bit words, as the kernel does on a little-endian machine, so a value read
 * from a packet by a program and a checksum field in the packet combine without byte swaps.
 */

/** csum_add: a + b with the carry out of bit 31 added back in. */
export function csumAdd(a: number, b: number): number {
  const sum = (a >>> 0) + (b >>> 0);
  return (sum + (sum > 0xffffffff ? 1 : 0)) >>> 0;
}

/** csum_sub: a - b in ones' complement (a + ~b). */
export function csumSub(a: number, b: number): number {
  return csumAdd(a, ~b >>> 0);
}

/** The 32-bit sum folded to 16 bits, not complemented (csum_from32to16). */
export function from32to16(sum: number): number {
  let s = sum >>> 0;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** csum_fold: the complemented 16-bit checksum of a 32-bit partial sum. */
export function csumFold(sum: number): number {
  return ~from32to16(sum) & 0xffff;
}

/**
 * csum_partial: the partial sum of `len` bytes at `off`, plus `seed`, as x86-64 computes it:
 * little-endian 32-bit words with end-around carry, then a 2-byte and a 1-byte tail added as
 * plain numbers (equal modulo 0xffff to summing them in place, which is all a folded checksum
 * sees).
 */
export function csumPartial(bytes: Uint8Array, off: number, len: number, seed: number): number {
  let sum = seed >>> 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const p = off + i;
    sum += (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
    if (sum > 0xffffffff) sum -= 0xffffffff;
  }
  if (i + 1 < len) {
    sum += bytes[off + i] | (bytes[off + i + 1] << 8);
    i += 2;
  }
  if (i < len) sum += bytes[off + i];
  while (sum > 0xffffffff) sum -= 0xffffffff;
  return sum >>> 0;
}

/** csum16_add: 16-bit ones' complement addition. */
function csum16Add(csum: number, addend: number): number {
  let res = (csum & 0xffff) + (addend & 0xffff);
  res = (res & 0xffff) + (res >>> 16);
  return res & 0xffff;
}

/** csum_replace4: update the checksum `check` (16-bit) for a 32-bit word changing `from` → `to`. */
export function csumReplace4(check: number, from: number, to: number): number {
  return csumFold(csumAdd(csumSub(unfoldNot(check), from >>> 0), to >>> 0));
}

/** csum_replace2: the same for a 16-bit word (16-bit arithmetic, as Linux's). */
export function csumReplace2(check: number, from: number, to: number): number {
  return ~csum16Add(csum16Add(~check & 0xffff, ~from & 0xffff), to) & 0xffff;
}

/** csum_replace_by_diff: fold a 32-bit difference `diff` into the checksum `check`. */
export function csumReplaceByDiff(check: number, diff: number): number {
  return csumFold(csumAdd(diff >>> 0, unfoldNot(check)));
}

/** ~csum_unfold(check): the complement of the 16-bit field widened to 32 bits. */
function unfoldNot(check: number): number {
  return ~(check & 0xffff) >>> 0;
}
