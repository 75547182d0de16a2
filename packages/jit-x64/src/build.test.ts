/** Installation never fails: without a working compiler the build script records why and exits 0. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

it('build-native.mjs succeeds without a compiler and says why', () => {
  const root = path.resolve(__dirname, '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-jit-build-'));
  try {
    for (const entry of ['native', 'scripts', 'binding.gyp'])
      cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    // No compiler and no node-gyp on PATH.
    const script = path.join(dir, 'scripts', 'build-native.mjs');
    const r = spawnSync(process.execPath, [script], {
      env: { ...process.env, CC: '/nonexistent/cc', PATH: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(dir, 'build', 'unavailable.txt'), 'utf8')).toMatch(
      /\/nonexistent\/cc failed: .*ENOENT.*; node-gyp failed: node-gyp not found/,
    );
    // The message names the cause and a command that works wherever the package is installed.
    expect(r.stderr).toContain('/nonexistent/cc not found');
    expect(r.stderr).toContain(`run: node ${script}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
