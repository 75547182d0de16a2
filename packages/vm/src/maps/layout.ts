/**
 * Byte offsets of the map descriptor and the hash-table slot, exactly as documented in
 * ./LAYOUT.md. Native (jit-x64) and WebAssembly (jit-wasm) helpers work on the same bytes.
 */

/** Size of a map descriptor; the map's BPF pointer is the address of its descriptor. */
export const DESC_SIZE = 64;
export const DESC_TYPE = 0;
export const DESC_KEY_SIZE = 4;
export const DESC_VALUE_SIZE = 8;
export const DESC_MAX_ENTRIES = 12;
export const DESC_FLAGS = 16;
/** Array: max_entries; hash: number of slots (power of two); ring buffer: data bytes. */
export const DESC_CAPACITY = 20;
/** Hash: live entries. */
export const DESC_COUNT = 24;
/** Hash: deleted slots (tombstones). */
export const DESC_TOMBSTONES = 28;
/** Offset (into the linear memory) of the values / slot table / ring header. */
export const DESC_DATA = 32;
/** Array: bytes between values; hash: bytes per slot. */
export const DESC_STRIDE = 36;
/** Hash: offset of the value inside a slot. */
export const DESC_VALUE_OFFSET = 40;
/** LRU hash: the last stamp handed out. */
export const DESC_LRU_CLOCK = 44;
/** The runtime's map id (its fd). */
export const DESC_ID = 48;

/** Hash slot header fields. */
export const SLOT_STATE = 0;
export const SLOT_HASH = 4;
export const SLOT_STAMP = 8;
export const SLOT_HEADER = 16;
export const SLOT_EMPTY = 0;
export const SLOT_USED = 1;
export const SLOT_DELETED = 2;

/** Ring buffer header (at DESC_DATA) and record header bits. */
export const RING_CONSUMER = 0;
export const RING_PRODUCER = 4;
export const RING_MASK = 8;
export const RING_HEADER = 16;
export const RECORD_HEADER = 8;
export const RECORD_BUSY = 0x8000_0000;
export const RECORD_DISCARD = 0x4000_0000;
export const RECORD_LEN_MASK = 0x3fff_ffff;

/** map_flags bit: programs may not write the map (set on .rodata). */
export const BPF_F_RDONLY_PROG = 0x80;

/** BPF_ANY / BPF_NOEXIST / BPF_EXIST update flags. */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

/** `n` rounded up to a multiple of 8 — in double arithmetic: exact for every u32 size (no 32-bit wrap). */
export function round8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a, 32-bit, over `len` bytes of `bytes` from `at`. The hash maps' hash function. */
export function fnv1a(bytes: Uint8Array, at: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) {
    h ^= bytes[at + i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
