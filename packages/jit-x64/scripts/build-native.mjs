#!/usr/bin/env node
/**
 * Builds the native executor (native/*.c → build/tbpf_jit.node) with the system C compiler and
 * the running Node.js's headers, or with node-gyp when that fails. `--if-stale` (the package's
 * build) does nothing when the addon is newer than every file in native/, so a checkout that
 * pulled a change to the executor rebuilds it with the TypeScript that expects it. Never fails
 * the installation: when the addon cannot be built it writes the reason to
 * build/unavailable.txt, which the JIT reports at run time (and the runtime falls back to the
 * interpreter).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const out = path.join(buildDir, 'tbpf_jit.node');
const reasonFile = path.join(buildDir, 'unavailable.txt');
const sources = ['native/tbpf_jit.c', 'native/helpers.c'].map((s) => path.join(root, s));

function fail(reason) {
  writeFileSync(reasonFile, `${reason}\n`);
  const retry = `node ${path.join(root, 'scripts', 'build-native.mjs')}`;
  console.warn(
    `@tbpf/jit-x64: the native executor was not built: ${reason}.\n` +
      'The x86-64 JIT is unavailable and its callers fall back to the interpreter. To build it, ' +
      `install a C compiler and Node.js's headers (or node-gyp), then run: ${retry}`,
  );
  process.exit(0);
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], cwd: root });
}

/** The first line a failed command wrote to stderr, or why it could not start. */
function why(error, cmd) {
  if (error.code === 'ENOENT') return `${cmd} not found (ENOENT)`;
  return (String(error.stderr ?? '').trim() || error.message).split('\n')[0];
}

/** Whether the addon was built after the last change to any file in native/. */
function upToDate() {
  if (!existsSync(out)) return false;
  const native = path.join(root, 'native');
  const newest = Math.max(...readdirSync(native).map((f) => statSync(path.join(native, f)).mtimeMs));
  return statSync(out).mtimeMs >= newest;
}

if (process.argv.includes('--if-stale') && upToDate()) process.exit(0);
mkdirSync(buildDir, { recursive: true });
rmSync(reasonFile, { force: true });
if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the JIT targets x86-64 Linux; this is ${process.platform}-${process.arch}`);
}
const cc = process.env.CC || 'cc';

/** Build with the C compiler and the running Node.js's headers; the problem when that fails. */
function buildWithCc() {
  const include = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  if (!existsSync(path.join(include, 'node_api.h')))
    return `Node.js's headers are missing (no ${include}/node_api.h)`;
  try {
    run(cc, [
      '-O2',
      '-std=gnu11',
      '-Wall',
      '-shared',
      '-fPIC',
      '-fvisibility=hidden',
      `-I${include}`,
      ...sources,
      '-lm',
      '-o',
      out,
    ]);
    return undefined;
  } catch (error) {
    return `${cc} failed: ${why(error, cc)}`;
  }
}

const ccProblem = buildWithCc();
if (ccProblem === undefined) {
  console.log(`@tbpf/jit-x64: built ${path.relative(root, out)} with ${cc}`);
} else {
  try {
    run('node-gyp', ['rebuild']);
    copyFileSync(path.join(root, 'build', 'Release', 'tbpf_jit.node'), out);
    console.log('@tbpf/jit-x64: built with node-gyp');
  } catch (gypError) {
    fail(`${ccProblem}; node-gyp failed: ${why(gypError, 'node-gyp')}`);
  }
}
