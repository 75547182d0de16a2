/**
 * Memory arguments of helper calls: a BPF address and a size, checked against the linear
 * memory's regions.
 */
import { VmError } from '../errors.js';
import type { HelperCall } from './registry.js';

/** Offset of [rn, rn + size) if it lies in one region (and a writable one if asked), else -1. */
export function checked(call: HelperCall, n: number, size: number, write = false): number {
  const off = call.offset(n);
  if (off < 0) return -1;
  const region = call.runtime.memory.regionAt(off, Math.max(1, size));
  return region && (!write || region.writable) ? off : -1;
}

/** Like `checked`, but a bad pointer is a fault of the program (map and ring buffer helpers). */
export function required(call: HelperCall, n: number, size: number, what: string, write = false): number {
  const off = checked(call, n, size, write);
  if (off < 0) {
    throw new VmError(
      'out-of-bounds',
      `helper argument r${n} (${what}, ${size} bytes${write ? ', written' : ''}) is outside the memory regions`,
      call.pc,
      call.u64(n),
      size,
    );
  }
  return off;
}
