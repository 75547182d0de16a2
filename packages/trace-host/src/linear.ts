/**
 * trace-host's view of the runtime's linear memory (DESIGN.md §4): one buffer whose backing
 * store never moves, addressed by BPF addresses = vm's BPF_ADDRESS_BASE + offset so that 0 is
 * never valid.
 */
import { BPF_ADDRESS_BASE } from '@tbpf/vm';

export { BPF_ADDRESS_BASE };

export interface LinearView {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

/** Offset into the linear memory of a BPF address, or -1 when [addr, addr+len) lies outside it. */
export function offsetOf(mem: LinearView, addr: number, len: number): number {
  const off = addr - BPF_ADDRESS_BASE;
  return off >= 0 && off + len <= mem.bytes.length ? off : -1;
}

/** Any JS value the host hands to a probe, as the u64 a register or field holds. */
export type HostValue = number | bigint | boolean | string | null | undefined | { readonly address: number };

/** Split a host value into the low and high 32 bits of its u64 form (two's complement). */
export function u64Parts(v: unknown, out: Uint32Array, at: number): void {
  if (typeof v === 'number') {
    out[at] = v >>> 0;
    out[at + 1] = Math.floor(v / 4294967296) >>> 0;
  } else if (typeof v === 'bigint') {
    out[at] = Number(BigInt.asUintN(32, v));
    out[at + 1] = Number(BigInt.asUintN(32, v >> 32n));
  } else if (typeof v === 'boolean') {
    out[at] = v ? 1 : 0;
    out[at + 1] = 0;
  } else if (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { address?: unknown }).address === 'number'
  ) {
    u64Parts((v as { address: number }).address, out, at);
  } else {
    out[at] = 0;
    out[at + 1] = 0;
  }
}

/** The number a host value stands for (u64 values above 2^53 lose precision). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object' && typeof (v as { address?: unknown }).address === 'number') {
    return (v as { address: number }).address;
  }
  return 0;
}

/** Read a NUL-terminated string of at most `max` bytes at a BPF address; null when outside memory. */
export function readCString(mem: LinearView, addr: number, max: number): string | null {
  const off = addr - BPF_ADDRESS_BASE;
  if (off < 0 || off >= mem.bytes.length) return null;
  const end = Math.min(mem.bytes.length, off + max);
  let i = off;
  while (i < end && mem.bytes[i] !== 0) i++;
  return latin1(mem.bytes, off, i);
}

export function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
