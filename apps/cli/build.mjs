// Bundle the CLI's own code into one ESM file. Workspace packages (@tbpf/*) and npm packages
// stay external and load from their built `dist` (turbo builds them first): one copy of each
// package at run time, and @tbpf/jit-x64 finds its native addon beside its own files.

import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {});

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  define: { TBPF_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
