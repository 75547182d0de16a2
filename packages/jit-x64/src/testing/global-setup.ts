/**
 * Vitest global setup: (re)build the native executor when it is missing or older than its C
 * sources — once, before any test file loads it — so tests never run a stale addon.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(__dirname, '../..');
  const addon = path.join(root, 'build', 'tbpf_jit.node');
  const sources = ['native/tbpf_jit.c', 'native/helpers.c', 'native/helpers.h'].map((s) =>
    path.join(root, s),
  );
  const built = existsSync(addon) ? statSync(addon).mtimeMs : 0;
  if (sources.some((s) => statSync(s).mtimeMs > built)) {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs')], { stdio: 'inherit' });
  }
}
