/**
 * The repository's lint and format rules (Biome, `npm run lint`) are part of its tests, so that
 * CI, which runs only the test command, refuses a change that breaks them.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(__dirname, '..');

test('biome check passes on the whole repository', () => {
  const r = spawnSync(resolve(root, 'node_modules/.bin/biome'), ['check', '--colors=off', '.'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  expect(r.error).toBeUndefined();
  // Biome's own report names each file and rule: show it when the check fails.
  expect(r.status, `${r.stdout}\n${r.stderr}`.trim().slice(-4000)).toBe(0);
});
