import { execFileSync } from 'node:child_process';

/** Whether an external tool (an oracle such as clang-19) runs here; in CI a missing one fails. */
export function haveTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${name} is required in CI`);
    return false;
  }
}
