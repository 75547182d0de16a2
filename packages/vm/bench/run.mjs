// Bundle bench/interp-bench.ts with esbuild (workspace sources via the `source` condition) and
// run it with plain node. Usage: node bench/run.mjs [programs folder]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPrograms } from '@tbpf/third-party';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-vm-bench-')), 'bench.mjs');
await build({
  entryPoints: [path.join(here, 'interp-bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['source'],
  outfile,
  logLevel: 'warning',
});
const progs = process.argv[2] ?? benchPrograms;
execFileSync(process.execPath, [outfile, progs], { stdio: 'inherit' });
