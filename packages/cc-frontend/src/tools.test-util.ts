/** Helpers of the front end's tests: external oracles and seeded randomness. */
import { spawnSync } from 'node:child_process';
import { seededRandom } from '@tbpf/isa/testing';

/** True if the tool runs. In CI a missing tool is a failure, not a skip. */
export function haveTool(name: string): boolean {
  const found = spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) throw new Error(`${name} is required in CI but was not found`);
  return found;
}

/** Seeded integers: `r(n)` is an integer in [0, n). */
export function seededInts(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}
