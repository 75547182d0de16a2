// Build the playground: the static site (index.html, style.css, the page's bundle and the
// worker's bundle, for browsers, with no Node.js import) and the small local server.
//   node build.mjs            → dist/site/ (any static host serves it) and dist/serve.js
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * The static site into `outdir`: the page (editor and panels) and the worker (compiler,
 * verifier, engines) are separate bundles, so the page shows before the toolchain arrives.
 * @param {string} outdir
 * @param {{ metafile?: boolean }} [options]
 */
export async function buildSite(outdir, options = {}) {
  mkdirSync(outdir, { recursive: true });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(appDir, 'site', f), join(outdir, f));
  return build({
    entryPoints: { main: join(appDir, 'src', 'page', 'main.ts'), worker: join(appDir, 'src', 'worker.ts') },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    // Workspace packages from their sources; @tbpf/object's `#native-engine` takes its browser stub.
    conditions: ['source', 'browser'],
    metafile: options.metafile ?? false,
    logLevel: 'warning',
  });
}

/** The local server (`npm run playground`). */
async function buildServer() {
  await build({
    entryPoints: [join(appDir, 'src', 'serve.ts')],
    outfile: join(appDir, 'dist', 'serve.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSite(join(appDir, 'dist', 'site'));
  await buildServer();
}
