#!/usr/bin/env node
// The README's commands go through here, so that they work on a machine that has only
// Node.js: install the workspace with the pinned pnpm when needed, then run the task.
//
//   node scripts/run.mjs test    every package's tests, then one summary line
//   node scripts/run.mjs demo    the RFC's story end to end
//   node scripts/run.mjs bench   the RFC's table (pass --quick for a short run)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const status = run('npx', ['-y', pkg.packageManager, 'install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
const REPORT = '.vitest-report.json';

/** Workspace folders (packages/*, apps/*). */
function workspaces() {
  return ['packages', 'apps'].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(root, dir, d.name)),
  );
}

/** Run every package's tests, then print one closing line over all of them. */
function test(extra) {
  for (const ws of workspaces()) rmSync(join(ws, REPORT), { force: true });
  const status = run(turbo, [
    'run',
    'test',
    '--concurrency=1',
    '--continue',
    ...extra,
    '--',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORT}`,
  ]);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const ws of workspaces()) {
    const file = join(ws, REPORT);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  console.log('');
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return status !== 0 || failed > 0 || passed === 0 ? 1 : 0;
}

const [task, ...rest] = process.argv.slice(2);
ensureInstalled();
switch (task) {
  case 'test':
    process.exit(test(rest));
    break;
  case 'demo':
  case 'bench': {
    const app = `@tbpf/${task}`;
    const built = run(turbo, ['run', 'build', `--filter=${app}...`, '--output-logs=errors-only']);
    if (built !== 0) process.exit(built);
    process.exit(run(process.execPath, [join(root, 'apps', task, 'dist', 'main.js'), ...rest]));
    break;
  }
  default:
    console.error('usage: node scripts/run.mjs test|demo|bench [args]');
    process.exit(2);
}
