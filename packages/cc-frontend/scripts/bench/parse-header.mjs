#!/usr/bin/env node
/**
 * Benchmark (not a test): how long tbpf cc's front end (preprocessor + parser) takes on a big
 * header, e.g. bcc's libbpf-tools/x86/vmlinux.h (3.4 MB; generated from GPL kernel BTF, so it
 * stays outside this repository), and how much memory it needs — against `clang-19
 * -fsyntax-only` on the same file, measured in the same run.
 *
 *   node packages/cc-frontend/scripts/bench/parse-header.mjs HEADER.h [--runs N]
 *
 * Each run is a fresh process (a cold start, as `tbpf cc` runs). Reported: median CPU time
 * (user + system) and wall time of the parse, median peak RSS of the process, and the ratios to
 * clang's. The machine's load average is printed: on a shared machine, compare ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSources } from './bundle-sources.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '../..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const header = args.find((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1));
if (!header) {
  console.error('usage: parse-header.mjs HEADER.h [--runs N]');
  process.exit(2);
}
const headerPath = resolve(header);

// The front end's parts the benchmark drives, from their sources.
const work = mkdtempSync(join(tmpdir(), 'tbpf-parse-bench-'));
const entry = join(work, 'entry.ts');
writeFileSync(
  entry,
  `export { DiagnosticBag } from ${JSON.stringify(join(pkg, 'src/diagnostics.ts'))};
export { Preprocessor } from ${JSON.stringify(join(pkg, 'src/preprocessor.ts'))};
export { Parser } from ${JSON.stringify(join(pkg, 'src/parser.ts'))};
`,
);
const bundle = await bundleSources(work, entry, 'frontend.mjs');
const child = join(work, 'child.mjs');
writeFileSync(
  child,
  `import { readFileSync } from 'node:fs';
const { DiagnosticBag, Preprocessor, Parser } = await import(${JSON.stringify(bundle)});
const source = readFileSync(process.argv[2], 'utf8');
const c0 = process.cpuUsage();
const t0 = performance.now();
const diags = new DiagnosticBag();
new Parser(new Preprocessor({ fileName: process.argv[2] }, diags).stream(source), diags).parse();
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000, wall: performance.now() - t0,
  rss: process.resourceUsage().maxRSS / 1024, errors: diags.errorCount }));
`,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tbpf = [];
const clang = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [child, headerPath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  tbpf.push(JSON.parse(r.stdout));
  const c = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S %e %M', 'clang-19', '-target', 'bpf', '-fsyntax-only', '-x', 'c', headerPath],
    {
      encoding: 'utf8',
    },
  );
  if (c.status === 0) {
    const [u, s, e, m] = c.stderr.trim().split('\n').pop().split(' ').map(Number);
    clang.push({ cpu: (u + s) * 1000, wall: e * 1000, rss: m / 1024 });
  }
  process.stderr.write('.');
}
process.stderr.write('\n');
rmSync(work, { recursive: true, force: true });
const row = (name, xs) =>
  `${name.padEnd(22)} cpu ${median(xs.map((x) => x.cpu))
    .toFixed(0)
    .padStart(6)} ms   wall ${median(xs.map((x) => x.wall))
    .toFixed(0)
    .padStart(6)} ms   peak RSS ${median(xs.map((x) => x.rss))
    .toFixed(0)
    .padStart(4)} MB`;
console.log(
  `${headerPath}: ${runs} runs each, medians; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(row('tbpf cc (pp + parse)', tbpf), tbpf[0].errors ? `(${tbpf[0].errors} errors!)` : '');
if (clang.length > 0) {
  console.log(row('clang-19 -fsyntax-only', clang));
  const ratio = (k) => (median(tbpf.map((x) => x[k])) / median(clang.map((x) => x[k]))).toFixed(2);
  console.log(
    `ratio tbpf/clang        cpu ${ratio('cpu')}×   wall ${ratio('wall')}×   peak RSS ${ratio('rss')}×`,
  );
} else console.log('clang-19 not found: no reference');
