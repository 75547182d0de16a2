// The benchmarks' compiler from its sources, bundled once (no build needed): each measured run
// then loads one file in a fresh process.
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundle `entryPoint` (with what it imports) into `work/name`; returns that path. */
export async function bundleSources(work, entryPoint, name) {
  const bundle = join(work, name);
  await build({
    entryPoints: [entryPoint],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile: bundle,
    logLevel: 'warning',
  });
  return bundle;
}
