/**
 * Confinement's premise, checked: confined code reaches at most base + 4 GiB + 7 bytes past the
 * memory's base, so that whole range must be mapped (the memory, then guard pages V8 reserves
 * behind every WebAssembly.Memory) — never some other part of the process. Read once per
 * buffer from /proc/self/maps.
 */
import { readFileSync } from 'node:fs';

/** Bytes past the base a confined access can reach: 2^32 plus the widest access, rounded up. */
export const CONFINED_REACH = 2n ** 32n + 2n ** 16n;

const checked = new WeakMap<ArrayBuffer, string | undefined>();

/** Undefined when [base, base + CONFINED_REACH) is all mapped, else why not. */
export function reservationProblem(buffer: ArrayBuffer, base: bigint): string | undefined {
  if (checked.has(buffer)) return checked.get(buffer);
  const problem = findProblem(base);
  checked.set(buffer, problem);
  return problem;
}

function findProblem(base: bigint): string | undefined {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch (e) {
    return `cannot read /proc/self/maps (${(e as Error).message})`;
  }
  const ranges = maps
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split(' ')[0]
        .split('-')
        .map((h) => BigInt(`0x${h}`)),
    )
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const end = base + CONFINED_REACH;
  let covered = base;
  for (const [start, stop] of ranges) if (start <= covered && stop > covered) covered = stop;
  return covered >= end
    ? undefined
    : `the linear memory at 0x${base.toString(16)} is followed by only ${covered - base} bytes of mapped address space, not 4 GiB`;
}
