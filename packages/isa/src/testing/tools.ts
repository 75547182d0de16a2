// Test support (Node only): `@tbpf/isa/testing/tools`.
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/**
 * Whether an external tool (an oracle such as clang-19 or llvm-mc-19) runs here, so that its
 * tests can be skipped where it is missing. With `CI` set a missing tool is an error instead:
 * CI installs every oracle, and a skip there would hide a test that no longer runs.
 */
export function haveTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
    found.set(name, ok);
  }
  if (!ok && process.env.CI) throw new Error(`${name} is required in CI but was not found`);
  return ok;
}
