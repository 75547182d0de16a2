/**
 * The campaigns run their programs in child processes of this app's own script. Tests build
 * that script from the sources (esbuild, like `pnpm build` but from `src`), inside the app's
 * node_modules so the bundle still finds the installed packages' native parts (jit-x64's addon).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function campaignScript(): Promise<string> {
  const esbuild = await import('esbuild');
  const dir = path.join(appDir, 'node_modules', '.cache', `tbpf-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'main.mjs');
  await esbuild.build({
    entryPoints: [path.join(appDir, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    outfile: out,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return out;
}
