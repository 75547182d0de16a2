// Bundle an app's own code (src/main.ts → dist/main.js) as one ESM file. Workspace packages
// (@tbpf/*) and npm packages stay external and load from their built `dist` (turbo builds them
// first): one copy of each package at run time, and @tbpf/jit-x64 finds its native addon
// beside its own files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** @param {string} appDir the app's folder; @param {Record<string, string>} [define] */
export async function bundleApp(appDir, define = {}) {
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  await build({
    entryPoints: [join(appDir, 'src', 'main.ts')],
    outfile: join(appDir, 'dist', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external: Object.keys(pkg.dependencies ?? {}),
    define,
    logLevel: 'warning',
  });
  return pkg;
}
