/**
 * Confinement's premise, checked: confined code reaches at most CONFINED_REACH bytes past the
 * memory's base (codegen/memory.ts), so everything from the memory's end up to there must be
 * mapped and inaccessible — the reservation V8 makes behind every WebAssembly.Memory — and
 * never some other part of the process. Checked natively (a few system calls) once per buffer.
 */
import { CONFINED_BASE_OFFSET } from './codegen/memory.js';
import type { Addon } from './native.js';

/** Bytes past the base a confined access can reach: base offset + 2^32 + the widest access, rounded up. */
export const CONFINED_REACH = CONFINED_BASE_OFFSET + 2 ** 32 + 2 ** 16;

const checked = new WeakMap<ArrayBuffer, string | undefined>();

/** Undefined when [end of the memory, base + CONFINED_REACH) is a guard region, else why not. */
export function reservationProblem(addon: Addon, buffer: ArrayBuffer): string | undefined {
  if (checked.has(buffer)) return checked.get(buffer);
  const problem = addon.windowProblem(buffer, CONFINED_REACH);
  checked.set(buffer, problem);
  return problem;
}
