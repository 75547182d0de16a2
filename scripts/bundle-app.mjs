// Bundle an app (src/main.ts → dist/main.js, or another entry) with esbuild, in one of two ways:
// - by default only the app's own code: workspace packages (@tbpf/*) and npm packages stay
//   external and load from their built `dist` (turbo builds them first); with `splitting`, split
//   into chunks at each dynamic import() as below (a command imports its packages when it runs);
// - `selfContained`: everything, workspace packages from their sources, split into chunks at each
//   dynamic import() so that a process loads only the code its path reaches (the CLI: start-up in
//   tens of ms). @tbpf/jit-x64 finds its native addon through its installed package either way;
// - `commonJs` (with selfContained): one CommonJS file, dist/<entry>.cjs, for a path whose start-up
//   is everything (Node loads CommonJS faster than modules); it must reach no dynamic import().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// Bundled CommonJS dependencies (commander) call require() for Node built-ins; ESM has none.
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** The self-contained bundle's form: one CommonJS file, or modules split into chunks. */
function selfContainedForm(entry, outdir, commonJs) {
  if (commonJs) return { format: 'cjs', outfile: join(outdir, `${entry}.cjs`) };
  return { outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]', banner: { js: REQUIRE_SHIM } };
}

/**
 * @param {string} appDir the app's folder
 * @param {{ define?: Record<string, string>, selfContained?: boolean, splitting?: boolean, commonJs?: boolean, metafile?: boolean, outdir?: string, entry?: string }} [options]
 *   outdir: where to write (default the app's dist folder); entry: the source file's name in src (default main)
 * @returns the app's package.json and esbuild's result
 */
export async function bundleApp(appDir, options = {}) {
  const {
    define = {},
    selfContained = false,
    splitting = false,
    commonJs = false,
    metafile = false,
    outdir = join(appDir, 'dist'),
    entry = 'main',
  } = options;
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  const common = {
    entryPoints: [join(appDir, 'src', `${entry}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    define,
    metafile,
    logLevel: 'warning',
  };
  const external = Object.keys(pkg.dependencies ?? {});
  const result = await build(
    selfContained
      ? { ...common, conditions: ['source'], ...selfContainedForm(entry, outdir, commonJs) }
      : splitting
        ? { ...common, outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]', external }
        : { ...common, outfile: join(outdir, `${entry}.js`), external },
  );
  return { pkg, result };
}
