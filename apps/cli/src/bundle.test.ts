/**
 * The built `tbpf`: one self-contained bundle split into chunks per command, and the conformance
 * plugin's own, run through bin/tbpf.js as installed. It runs from the bundles (the x86-64 JIT
 * still finds its addon), and a command loads only the code it needs — checked on esbuild's
 * metafile, not on timings: `--version` evaluates no package at all and `conformance-plugin` (a
 * process per test under the upstream runner) no compiler, verifier, JIT or option parser.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nativeAddon } from '@tbpf/jit-x64';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleApp } from '../../../scripts/bundle-app.mjs';

const cliDir = path.resolve(__dirname, '..');
let outdir = '';
let outputs: Metafile['outputs'] = {};

beforeAll(async () => {
  // Inside the app's node_modules, so that the bundle resolves @tbpf/jit-x64 as dist/ would.
  const cache = path.join(cliDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  outdir = mkdtempSync(path.join(cache, 'bundle-test-'));
  mkdirSync(path.join(outdir, 'bin'));
  for (const file of ['tbpf.js', 'package.json'])
    copyFileSync(path.join(cliDir, 'bin', file), path.join(outdir, 'bin', file));
  writeFileSync(path.join(outdir, 'package.json'), JSON.stringify({ version: 'bundle-test' }));
  const define = { TBPF_VERSION: JSON.stringify('bundle-test') };
  const dist = path.join(outdir, 'dist');
  const main = await bundleApp(cliDir, { define, selfContained: true, metafile: true, outdir: dist });
  const plugin = await bundleApp(cliDir, {
    define,
    selfContained: true,
    commonJs: true,
    metafile: true,
    entry: 'plugin',
    outdir: dist,
  });
  outputs = { ...main.result.metafile?.outputs, ...plugin.result.metafile?.outputs };
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The output built for an entry point (src/main.ts, or a command module) by its source path. */
function outputOf(source: string): string {
  const found = Object.keys(outputs).filter((o) => outputs[o].entryPoint?.endsWith(source));
  expect(found, source).toHaveLength(1);
  return found[0];
}

/** Source files whose code a process evaluates after loading these outputs (static imports only). */
function inputsLoaded(...entries: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  for (let out = todo.pop(); out !== undefined; out = todo.pop()) {
    if (seen.has(out)) continue;
    seen.add(out);
    for (const i of outputs[out].imports)
      if (i.kind === 'import-statement' && i.path in outputs) todo.push(i.path);
  }
  return [...seen].flatMap((out) => Object.keys(outputs[out].inputs));
}

/** Workspace packages whose code a process evaluates after loading these outputs. */
function packagesLoaded(...entries: string[]): string[] {
  const packages = inputsLoaded(...entries).flatMap(
    (input) => /(?:^|\/)packages\/([^/]+)\//.exec(input)?.[1] ?? [],
  );
  return [...new Set(packages)].sort();
}

/** npm packages (the option parser) among them. */
function dependenciesLoaded(...entries: string[]): string[] {
  return inputsLoaded(...entries).filter((input) => input.includes('node_modules/'));
}

function tbpf(args: string[], input = '') {
  return spawnSync(process.execPath, [path.join(outdir, 'bin', 'tbpf.js'), ...args], {
    input,
    encoding: 'utf8',
  });
}

const PROGRAM = 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00'; // mov r0, 42; exit

describe('the bundled tbpf', () => {
  test('--version is answered from package.json without loading any bundle', () => {
    const bare = mkdtempSync(path.join(outdir, 'bare-'));
    cpSync(path.join(outdir, 'bin'), path.join(bare, 'bin'), { recursive: true });
    copyFileSync(path.join(outdir, 'package.json'), path.join(bare, 'package.json'));
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [path.join(bare, 'bin', 'tbpf.js'), flag], { encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([0, 'bundle-test\n', '']);
    }
    // With other arguments the option parser answers, with the version the bundle was built with.
    expect(tbpf(['-V', 'opcodes']).stdout).toBe('bundle-test\n');
  });

  test('conformance-plugin runs from one CommonJS file: the interpreter and the layers below it', () => {
    const plugin = outputOf('src/plugin.ts');
    expect(plugin).toMatch(/plugin\.cjs$/);
    expect(outputs[plugin].imports.filter((i) => i.path in outputs)).toEqual([]);
    expect(packagesLoaded(plugin)).toEqual(['asm', 'isa', 'vm']);
    expect(dependenciesLoaded(plugin)).toEqual([]);
    const r = tbpf(['conformance-plugin'], `${PROGRAM}\n`);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '2a\n', '']);
    // What the fast path leaves to the option parser: help, --json's contract, a wrong option.
    expect(tbpf(['conformance-plugin', '--help']).stdout).toContain('Usage: tbpf conformance-plugin');
    expect(tbpf(['conformance-plugin', '--json'], PROGRAM).stdout).toBe('{"r0":"0x2a"}\n');
    const wrong = tbpf(['conformance-plugin', '--jitt'], PROGRAM);
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringContaining("unknown option '--jitt'")]);
  });

  test('conformance-plugin --wasm and --jit go to the whole CLI, which loads their engines', () => {
    expect(tbpf(['conformance-plugin', '--wasm'], PROGRAM).stdout).toBe('2a\n');
    const native = nativeAddon();
    if (!native.ok && !process.env.CI) return; // no addon here: nothing to find (CI must have it)
    const r = tbpf(['conformance-plugin', '--jit'], PROGRAM);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '2a\n', '']);
  });

  test('help lists every command', () => {
    const r = tbpf(['--help']);
    expect(r.status).toBe(0);
    for (const name of [
      'asm',
      'disasm',
      'opcodes',
      'run',
      'conformance-plugin',
      'trace',
      'cc',
      'jited',
      'verify',
      'btf',
    ]) {
      expect(r.stdout).toContain(`  ${name} `);
    }
  });

  test('a closed pipe ends the command quietly (tbpf opcodes | head -1)', () => {
    for (let i = 0; i < 5; i++) {
      const r = spawnSync(
        'sh',
        ['-c', `"${process.execPath}" "${path.join(outdir, 'bin', 'tbpf.js')}" opcodes | head -1`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stdout).toBe('opcode  selector        group     cpu  instruction\n');
      expect(r.stderr).toBe('');
    }
  });
});
