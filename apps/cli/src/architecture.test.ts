/**
 * The layering of the design notes, checked on the sources: every package imports only the
 * layers below it (isa → asm → vm → verifier → {jit-x64, jit-wasm} → object → trace-host;
 * cc-frontend on isa and asm), and the browser packages use nothing from Node — they bundle for
 * the browser (object through its `#native-engine` browser condition, without the x86-64 JIT).
 * Test files may reach further (e.g. a compiler's tests running programs in the vm).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

const root = resolve(__dirname, '../../..');

const ALLOWED: Record<string, readonly string[]> = {
  isa: [],
  asm: ['isa'],
  vm: ['isa', 'asm'],
  verifier: ['isa', 'asm', 'vm'],
  'jit-x64': ['isa', 'asm', 'vm', 'verifier'],
  'jit-wasm': ['isa', 'asm', 'vm', 'verifier'],
  'cc-frontend': ['isa', 'asm'],
  object: ['isa', 'asm', 'vm', 'verifier', 'jit-x64', 'jit-wasm', 'cc-frontend'],
  'trace-host': ['isa', 'asm', 'vm', 'verifier', 'jit-x64', 'jit-wasm', 'cc-frontend', 'object'],
};
const BROWSER = ['isa', 'asm', 'vm', 'verifier', 'jit-wasm', 'cc-frontend', 'object'];
/** Files a browser build never loads: the Node side of an import condition. */
const NODE_SIDE = new Set([
  join(root, 'packages', 'object', 'src', 'native-engine-x64.ts'),
  join(root, 'packages', 'object', 'src', 'host-kconfig-node.ts'),
]);
const NODE_BUILTINS = new Set(builtinModules);

/** The sources a package ships: not tests, test utilities (`*.test-util.ts`, `src/testing/`) or benches. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path);
    const testOnly = /\.(test|test-util|bench)\.ts$/.test(name);
    return name.endsWith('.ts') && !testOnly ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2]);
}

describe('architecture', () => {
  test.each(Object.keys(ALLOWED))('%s imports only the layers below it', (pkg) => {
    const src = join(root, 'packages', pkg, 'src');
    const deps =
      JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')).dependencies ?? {};
    const declared = Object.keys(deps)
      .filter((d) => d.startsWith('@tbpf/'))
      .map((d) => d.slice(6));
    const used = new Set(
      sources(src)
        .flatMap(imports)
        .filter((s) => s.startsWith('@tbpf/'))
        .map((s) => s.slice(6).split('/')[0]),
    );
    for (const dep of [...declared, ...used]) expect(ALLOWED[pkg], `${pkg} → ${dep}`).toContain(dep);
  });

  test.each(BROWSER)('%s uses nothing from Node and bundles for the browser', async (pkg) => {
    const offenders = sources(join(root, 'packages', pkg, 'src'))
      .filter((f) => !NODE_SIDE.has(f))
      .flatMap((f) =>
        imports(f)
          .filter((s) => s.startsWith('node:') || NODE_BUILTINS.has(s))
          .map((s) => `${f}: ${s}`),
      );
    expect(offenders).toEqual([]);
    const result = await build({
      entryPoints: [join(root, 'packages', pkg, 'src', 'index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      conditions: ['source'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0].text.length).toBeGreaterThan(1000);
  });
});
