// Bundle the CLI into one ESM file. Workspace packages are bundled from their sources; npm
// dependencies and Node built-ins stay external. Native addons are loaded at run time by
// the packages that own them, so they stay outside the bundle.

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
  define: { TBPF_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __tbpfCreateRequire } from 'node:module'; const require = __tbpfCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
