/** Helpers of the front end's tests: external oracles and seeded randomness. */
import { seededRandom } from '@tbpf/isa/testing';

/** Seeded integers: `r(n)` is an integer in [0, n). */
export function seededInts(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}
