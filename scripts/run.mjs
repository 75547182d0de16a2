#!/usr/bin/env node
// The root package.json's scripts go through here, so that they work on a machine that has only
// Node.js and npm. The first run installs the pinned pnpm (package.json's `packageManager`) with
// npm into node_modules/.cache/pnpm and the workspace with that pnpm; every run puts that pnpm
// first on PATH, because turbo runs tasks through the package manager it finds there. Later runs
// reuse both and install nothing.
//
//   node scripts/run.mjs test [turbo args]   every package's tests, then one summary line
//   node scripts/run.mjs demo [args]         the RFC's story end to end
//   node scripts/run.mjs bench [args]        the RFC's table (--quick for a short run)
//   node scripts/run.mjs playground [args]   build the playground and serve it (prints the URL)
//   node scripts/run.mjs tbpf [args]         build the CLI and run `tbpf args`
//   node scripts/run.mjs turbo <args>        a turbo command (build, typecheck)
//   node scripts/run.mjs pnpm <args>         the pinned pnpm
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceDirs } from './workspaces.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// "pnpm@9.15.9", optionally followed by "+sha512.…" (corepack's form).
const [, pnpmVersion] = /^pnpm@([^+]+)/.exec(pkg.packageManager) ?? [];
if (!pnpmVersion)
  throw new Error(`package.json: packageManager must be pnpm@<version>, not ${pkg.packageManager}`);
const pnpmHome = join(root, 'node_modules', '.cache', 'pnpm');
const pnpmBin = join(pnpmHome, 'node_modules', '.bin');
const pnpm = join(pnpmBin, process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
const env = {
  ...process.env,
  PATH: [pnpmBin, process.env.PATH].join(delimiter),
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

/** Run a command; `stdout: 2` sends its output to our stderr (install and build chatter stays out of a command's output). */
function run(cmd, args, { cwd = root, stdout = 'inherit' } = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['inherit', stdout, 'inherit'], env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function say(text) {
  console.error(`tbpf: ${text}`);
}

/** The pinned pnpm, installed with npm into node_modules/.cache/pnpm unless it is there already. */
function ensurePnpm() {
  const manifest = join(pnpmHome, 'node_modules', 'pnpm', 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === pnpmVersion) return;
  say(
    `installing pnpm ${pnpmVersion} (the workspace's package manager) with npm into ${relative(root, pnpmHome)}`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', pnpmHome, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
  const status = run(npm, [...args, '--loglevel=error', `pnpm@${pnpmVersion}`], { stdout: 2 });
  if (status !== 0) process.exit(status);
}

/** The workspace's dependencies, installed with the pinned pnpm when the lockfile is newer. */
function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing the workspace: pnpm install --frozen-lockfile');
  const status = run(pnpm, ['install', '--frozen-lockfile'], { stdout: 2 });
  if (status !== 0) process.exit(status);
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
const REPORT = '.vitest-report.json';

/** Workspace folders, absolute. */
const workspaces = () => workspaceDirs(root).map((dir) => join(root, dir));

const MAX_FAILURES_SHOWN = 20;

/** A vitest JSON report's failed tests and failed files: the test's name and its message's first lines. */
function failuresOf(report, ws) {
  const out = [];
  const excerpt = (messages) =>
    (messages ?? [])
      .join('\n')
      .split('\n')
      .filter((l) => l.trim() && !(/^\s+at /.test(l) && /node_modules|node:internal|<anonymous>/.test(l)))
      .slice(0, 6)
      .map((l) => `    ${l.slice(0, 200)}`)
      .join('\n');
  for (const file of report.testResults ?? []) {
    const name = relative(root, file.name);
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) out.push(`  ${name} > ${t.fullName}\n${excerpt(t.failureMessages)}`);
    if (tests.length === 0 && file.status === 'failed') out.push(`  ${name}\n${excerpt([file.message])}`);
  }
  return out.length > 0 || report.success !== false
    ? out
    : [`  ${relative(root, ws)}: the run failed outside any test`];
}

/** Run every package's tests, then print one closing line over all of them (after the failures, if any). */
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
  const failures = [];
  for (const ws of workspaces()) {
    const file = join(ws, REPORT);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    failures.push(...failuresOf(r, ws));
  }
  // Repeated at the end, where a CI log that keeps only its tail still shows them.
  if (failures.length > 0) console.log(`\nfailed:\n${failures.slice(0, MAX_FAILURES_SHOWN).join('\n')}`);
  if (failures.length > MAX_FAILURES_SHOWN) console.log(`… and ${failures.length - MAX_FAILURES_SHOWN} more`);
  console.log('');
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return status !== 0 || failed > 0 || passed === 0 ? 1 : 0;
}

/** Build a workspace package and what it depends on; turbo's summary goes to stderr. */
function build(name) {
  const args = ['run', 'build', `--filter=${name}...`, '--output-logs=errors-only', '--log-prefix=none'];
  const status = run(turbo, args, { stdout: 2 });
  if (status !== 0) process.exit(status);
}

/** pnpm passes a `--` before the arguments through (npm drops it). */
const stripDashes = (args) => (args[0] === '--' ? args.slice(1) : args);

const [task, ...rest] = process.argv.slice(2);
ensurePnpm();
ensureInstalled();
switch (task) {
  case 'test':
    process.exit(test(rest));
    break;
  case 'demo':
  case 'bench':
    build(`@tbpf/${task}`);
    process.exit(run(process.execPath, [join(root, 'apps', task, 'dist', 'main.js'), ...rest]));
    break;
  case 'playground':
    build('@tbpf/playground');
    process.exit(
      run(process.execPath, [join(root, 'apps', 'playground', 'dist', 'serve.js'), ...stripDashes(rest)]),
    );
    break;
  case 'tbpf': {
    build('@tbpf/cli');
    // A `--` would be read by tbpf as "no more options". Relative paths in the arguments are the
    // caller's: run where npm was called.
    const args = stripDashes(rest);
    const cwd = process.env.INIT_CWD ?? process.cwd();
    process.exit(run(process.execPath, [join(root, 'apps', 'cli', 'bin', 'tbpf.js'), ...args], { cwd }));
    break;
  }
  case 'turbo':
    process.exit(run(turbo, rest));
    break;
  case 'pnpm':
    process.exit(run(pnpm, rest));
    break;
  default:
    console.error('usage: node scripts/run.mjs test|demo|bench|playground|tbpf|turbo|pnpm [args]');
    process.exit(2);
}
