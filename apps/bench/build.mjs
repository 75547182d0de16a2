// Bundle the bench into one ESM file (workspace packages from source; npm packages external).

import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@tbpf/'));

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['source'],
  external: [...external, '*.node'],
  banner: {
    js: "import { createRequire as __tbpfCreateRequire } from 'node:module'; const require = __tbpfCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
