#!/usr/bin/env node
/**
 * Builds the native executor (native/*.c → build/tbpf_jit.node) with the system C compiler,
 * or node-gyp when there is no `cc`. Never fails the installation: when the addon cannot be
 * built it writes the reason to build/unavailable.txt, which the JIT reports at run time
 * (and the runtime falls back to the interpreter).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const out = path.join(buildDir, 'tbpf_jit.node');
const reasonFile = path.join(buildDir, 'unavailable.txt');
const sources = ['native/tbpf_jit.c', 'native/helpers.c'].map((s) => path.join(root, s));

function fail(reason) {
  writeFileSync(reasonFile, `${reason}\n`);
  console.warn(`@tbpf/jit-x64: native executor not built (${reason}); the interpreter will be used`);
  process.exit(0);
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], cwd: root });
}

mkdirSync(buildDir, { recursive: true });
rmSync(reasonFile, { force: true });
if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the JIT targets x86-64 Linux; this is ${process.platform}-${process.arch}`);
}
const include = path.join(path.dirname(process.execPath), '..', 'include', 'node');
const cc = process.env.CC || 'cc';
try {
  if (!existsSync(path.join(include, 'node_api.h'))) throw new Error(`no node_api.h in ${include}`);
  run(cc, ['-O2', '-std=gnu11', '-Wall', '-shared', '-fPIC', `-I${include}`, ...sources, '-lm', '-o', out]);
  console.log(`@tbpf/jit-x64: built ${path.relative(root, out)} with ${cc}`);
} catch (ccError) {
  try {
    run('node-gyp', ['rebuild']);
    console.log('@tbpf/jit-x64: built with node-gyp');
    execFileSync('cp', [path.join(root, 'build', 'Release', 'tbpf_jit.node'), out]);
  } catch {
    // stderr names a compile error; without any (no compiler at all) the message says why.
    const why = (String(ccError.stderr ?? '').trim() || ccError.message).split('\n')[0];
    fail(`${cc} failed: ${why}; node-gyp unavailable`);
  }
}
