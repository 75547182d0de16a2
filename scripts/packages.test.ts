/**
 * The published packages, as a consumer gets them: every public workspace package is packed with
 * pnpm (workspace:* becomes the version), the tarballs ship what a consumer runs and nothing of
 * the repository's tests, and they install with npm into an empty folder outside the workspace,
 * where each package is imported from ESM and from CommonJS, a consumer file is type-checked with
 * `moduleResolution: nodenext`, and the `tbpf` command runs. Needs every package built (turbo
 * runs this package's tests after ^build).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workspaceDirs } from './workspaces.mjs';

const root = resolve(__dirname, '..');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  publishConfig?: { access?: string; exports?: Manifest['exports'] };
  dependencies?: Record<string, string>;
}

/** `exports` without the `source` condition (the workspace's TypeScript sources, not shipped). */
const withoutSource = (exports: Manifest['exports'] = {}) =>
  Object.fromEntries(
    Object.entries(exports).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : Object.fromEntries(Object.entries(v).filter(([c]) => c !== 'source')),
    ]),
  );

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
const published = workspaceDirs(root).filter((dir) => !manifest(dir).private);
const libraries = published.filter((dir) => !manifest(dir).bin);

/** The pinned pnpm: the one running this test (npm_execpath), or the one scripts/run.mjs installed. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const cached = join(root, 'node_modules', '.cache', 'pnpm', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  if (existsSync(cached)) return [process.execPath, [cached]];
  throw new Error('no pinned pnpm: run the tests with `npm test` (scripts/run.mjs installs it)');
}

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
/** The same, without blocking the test worker for the minutes packing and installing take. */
const runAsync = async (cmd: string, args: string[], cwd: string) =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;

describe('package metadata', () => {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const repo = rootManifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');

  test('the publishable packages are the libraries and the CLI', () => {
    expect(published).toContain('apps/cli');
    expect(libraries.length).toBeGreaterThanOrEqual(8);
  });

  test.each(published)('%s: licence, repository, homepage, bugs, engines, access', (dir) => {
    const m = manifest(dir);
    expect(m.license).toBe('MIT');
    expect(readFileSync(join(root, dir, 'LICENSE'), 'utf8')).toBe(license);
    expect(m.repository).toEqual({ type: 'git', url: rootManifest.repository.url, directory: dir });
    expect(m.homepage).toBe(`${repo}/tree/main/${dir}#readme`);
    expect(m.bugs).toEqual({ url: `${repo}/issues` });
    expect(m.engines?.node).toBe('>=20.19'); // require() of ES modules (CommonJS consumers)
    expect(m.publishConfig?.access).toBe('public');
    // pnpm publishes publishConfig.exports: keep it equal to exports without the `source` condition.
    if (m.exports)
      expect(m.publishConfig?.exports, 'publishConfig.exports').toEqual(withoutSource(m.exports));
    expect(existsSync(join(root, dir, 'README.md'))).toBe(true);
  });

  // Until the first release consumes it, .changeset/initial-release.md takes every package from
  // 0.0.0 to 0.1.0; other changesets must not push any package past that (no major bump).
  test.runIf(existsSync(join(root, '.changeset', 'initial-release.md')))('the first release is 0.1.0', () => {
    const plan = join(mkdtempSync(join(tmpdir(), 'tbpf-plan-')), 'plan.json');
    const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
    // The plan is written even when status also complains about packages changed without a changeset.
    const status = spawnSync(process.execPath, [changeset, 'status', `--output=${plan}`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(existsSync(plan), status.stderr).toBe(true);
    const releases: { name: string; newVersion: string; type: string }[] = JSON.parse(
      readFileSync(plan, 'utf8'),
    ).releases;
    rmSync(resolve(plan, '..'), { recursive: true });
    const versions = Object.fromEntries(
      releases.filter((r) => r.type !== 'none').map((r) => [r.name, r.newVersion]),
    );
    expect(versions).toEqual(Object.fromEntries(published.map((dir) => [manifest(dir).name, '0.1.0'])));
  });
});

describe('packed and installed like a consumer', () => {
  let work = '';
  const tarballs = new Map<string, string>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tbpf-pack-'));
    const [pnpm, pnpmArgs] = pnpmCommand();
    mkdirSync(join(work, 'tarballs'));
    for (const dir of published) {
      const out = await runAsync(
        pnpm,
        [...pnpmArgs, 'pack', '--pack-destination', join(work, 'tarballs')],
        join(root, dir),
      );
      const file = out.trim().split('\n').at(-1) ?? '';
      expect(file, out).toMatch(/\.tgz$/);
      tarballs.set(dir, file);
    }
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true }\n');
    // The @tbpf/* dependencies are satisfied by the tarballs; npm fetches only third-party ones.
    await runAsync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs.values()],
      consumer,
    );
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const contents = (dir: string) =>
    run('tar', ['-tzf', tarballs.get(dir) ?? ''], work)
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));

  test.each(published)('%s ships what a consumer runs and no tests, fixtures or temporaries', (dir) => {
    const files = contents(dir);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    const stray = files.filter((f) =>
      /(^|\/)(test-corpus|fixtures?|examples)\/|\.(test|test-util|bench)\.|\.tmp\.|tsconfig|vitest/.test(f),
    );
    expect(stray).toEqual([]);
    // The manifest pnpm wrote: versions instead of workspace:*, exports without the sources.
    const name = manifest(dir).name;
    const m: Manifest = JSON.parse(
      readFileSync(join(work, 'consumer', 'node_modules', name, 'package.json'), 'utf8'),
    );
    expect(JSON.stringify(m.dependencies ?? {})).not.toContain('workspace:');
    if (m.exports) expect(m.exports).toEqual(withoutSource(m.exports));
    const targets = [
      ...Object.values(m.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
      ...Object.values(m.bin ?? {}),
    ];
    for (const target of targets) expect(files, target).toContain(target.replace(/^\.\//, ''));
  });

  test('@tbpf/jit-x64 ships its addon sources and build script', () => {
    const files = contents('packages/jit-x64');
    expect(files).toEqual(
      expect.arrayContaining([
        'binding.gyp',
        'scripts/build-native.mjs',
        'native/tbpf_jit.c',
        'native/helpers.c',
      ]),
    );
  });

  test('every library imports from ESM and from CommonJS', () => {
    const consumer = join(work, 'consumer');
    const names = libraries.map((dir) => manifest(dir).name);
    const check = (load: (name: string) => string) =>
      names.map(
        (n) =>
          `{ const m = ${load(n)}; if (Object.keys(m).length === 0) throw new Error('${n}: no exports'); }`,
      );
    writeFileSync(
      join(consumer, 'esm.mjs'),
      `${check((n) => `await import('${n}')`).join('\n')}\nconsole.log('ok');\n`,
    );
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      `${check((n) => `require('${n}')`).join('\n')}\nconsole.log('ok');\n`,
    );
    expect(run(process.execPath, ['esm.mjs'], consumer).trim()).toBe('ok');
    expect(run(process.execPath, ['cjs.cjs'], consumer).trim()).toBe('ok');
  });

  test('a consumer type-checks with moduleResolution nodenext (ESM and CommonJS)', () => {
    const consumer = join(work, 'consumer');
    const imports = (ext: string) =>
      `${[
        "import { assemble } from '@tbpf/asm';",
        "import { encode, type Insn } from '@tbpf/isa';",
        "import { interpreter, loadInsns, Runtime } from '@tbpf/vm';",
        "import { verify } from '@tbpf/verifier';",
        "import { x64Engine } from '@tbpf/jit-x64';",
        "import { wasmEngine } from '@tbpf/jit-wasm';",
        "import { compile } from '@tbpf/cc-frontend';",
        "import { openObject } from '@tbpf/object';",
        "import * as traceHost from '@tbpf/trace-host';",
        "import * as traceTesting from '@tbpf/trace-host/testing';",
        '',
        "const insns: Insn[] = assemble('mov %r0, 42\\nexit').insns;",
        'const bytes: Uint8Array = encode(insns);',
        'const runtime = new Runtime();',
        'const r0: bigint = interpreter.prepare(loadInsns(runtime, insns)).run();',
        `export const used${ext} = [bytes, r0, verify, x64Engine.name, wasmEngine.name, compile, openObject, traceHost, traceTesting];`,
      ].join('\n')}\n`;
    writeFileSync(join(consumer, 'consumer.mts'), imports('Esm'));
    writeFileSync(join(consumer, 'consumer.cts'), imports('Cjs'));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer)).toBe('');
  });

  test('the installed tbpf command runs from its bundle and finds the JIT addon', () => {
    const consumer = join(work, 'consumer');
    const tbpf = join(consumer, 'node_modules', '.bin', 'tbpf');
    expect(run(tbpf, ['--version'], consumer).trim()).toBe(manifest('apps/cli').version);
    const program = 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\n'; // mov r0, 42; exit
    const plugin = (engine: string) =>
      execFileSync(tbpf, ['conformance-plugin', engine], { cwd: consumer, input: program, encoding: 'utf8' });
    expect(plugin('--interpret')).toBe('2a\n');
    expect(plugin('--wasm')).toBe('2a\n');
    const unbuilt = join(consumer, 'node_modules', '@tbpf', 'jit-x64', 'build', 'unavailable.txt');
    if (existsSync(unbuilt) && !process.env.CI) return; // no C compiler here (CI must have one)
    expect(plugin('--jit')).toBe('2a\n');
  });
});
