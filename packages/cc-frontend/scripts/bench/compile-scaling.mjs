#!/usr/bin/env node
/**
 * Benchmark (not a test): how tbpf cc's compile time grows with function length. One function of
 * N statements `x = x * k + (ctx->a[i % 8] ^ i);` (straight-line code, one basic block), one of
 * N statement pairs storing to and loading from a stack array (thousands of spilled values), and
 * one of N/4 `if (…) x += …; else x ^= …;` statements (N/4 branches), compiled whole (preprocess,
 * parse, optimise, allocate, emit) for each N, every compile in a fresh process.
 *
 *   node packages/cc-frontend/scripts/bench/compile-scaling.mjs [--sizes 4000,16000,65000] [--runs N]
 *
 * Reported per shape and size: median CPU time (user + system), peak RSS, instructions, and the
 * time per 1,000 statements — roughly constant when compile time is linear in function length.
 * The machine's load average is printed: on a shared machine compare the growth, not the times.
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
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const sizes = option('--sizes', '4000,16000,65000').split(',').map(Number);
const runs = Number(option('--runs', '1'));

const shapes = {
  'straight-line': (n) => {
    const body = [];
    for (let i = 0; i < n; i++) body.push(`  x = x * ${(i % 13) + 3} + (ctx->a[${i} % 8] ^ ${i});`);
    return `struct c { unsigned long a[8]; };\nunsigned long f(struct c *ctx) {\n  unsigned long x = ctx->a[1];\n${body.join('\n')}\n  return x;\n}\n`;
  },
  'stack-array': (n) => {
    const body = [];
    for (let i = 0; i < n; i++) body.push(`  buf[${i % 64}] = x + ${i}; x ^= buf[${(i * 7) % 64}];`);
    return `struct c { unsigned long a[8]; };\nunsigned long f(struct c *ctx) {\n  unsigned long x = ctx->a[1];\n  unsigned long buf[64] = {};\n${body.join('\n')}\n  return x;\n}\n`;
  },
  branches: (n) => {
    const body = [];
    for (let i = 0; i < n / 4; i++)
      body.push(`  if (ctx->a[${i} % 8] > ${i}) x += ctx->a[${(i + 3) % 8}]; else x ^= ${i};`);
    return `struct c { unsigned long a[8]; };\nunsigned long f(struct c *ctx) {\n  unsigned long x = 0;\n${body.join('\n')}\n  return x;\n}\n`;
  },
};

const work = mkdtempSync(join(tmpdir(), 'tbpf-scaling-bench-'));
const bundle = await bundleSources(work, join(pkg, 'src/index.ts'), 'compiler.mjs');
const child = join(work, 'child.mjs');
writeFileSync(
  child,
  `import { readFileSync } from 'node:fs';
const { compileToUnit } = await import(${JSON.stringify(bundle)});
const source = readFileSync(process.argv[2], 'utf8');
const c0 = process.cpuUsage();
const r = compileToUnit(source, { fileName: 'scaling.c' });
const c = process.cpuUsage(c0);
if (!r.unit) throw new Error(r.messages);
const insns = r.unit.functions.reduce((n, f) => n + f.insns.length, 0);
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000, rss: process.resourceUsage().maxRSS / 1024, insns }));
`,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `${runs} run(s) per size, medians; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [shape, make] of Object.entries(shapes)) {
  for (const n of sizes) {
    const file = join(work, `${shape}-${n}.c`);
    writeFileSync(file, make(n));
    const results = [];
    for (let r = 0; r < runs; r++) {
      const p = spawnSync(process.execPath, ['--stack-size=8000', child, file], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`${shape} ${n}: ${p.stderr}`);
      results.push(JSON.parse(p.stdout));
    }
    const cpu = median(results.map((x) => x.cpu));
    console.log(
      `${shape.padEnd(14)} ${String(n).padStart(6)} statements   cpu ${(cpu / 1000).toFixed(2).padStart(7)} s` +
        `   ${(cpu / (n / 1000)).toFixed(0).padStart(5)} ms per 1k   peak RSS ${median(
          results.map((x) => x.rss),
        )
          .toFixed(0)
          .padStart(5)} MB` +
        `   ${results[0].insns} insns`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
