/** Helpers of the front end's tests: external oracles and seeded randomness. */
import { spawnSync } from 'node:child_process';

/** True if the tool runs. In CI a missing tool is a failure, not a skip. */
export function haveTool(name: string): boolean {
  const found = spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) throw new Error(`${name} is required in CI but was not found`);
  return found;
}

/** A small deterministic PRNG (mulberry32): `r(n)` is an integer in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
}
