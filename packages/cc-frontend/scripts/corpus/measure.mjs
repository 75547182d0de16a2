#!/usr/bin/env node
/**
 * Acceptance measurement of `tbpf cc` on a corpus of public BPF programs (kept outside the
 * repository). For each program of the corpus's manifest.json it runs `clang-19 ARGS` and
 * `tbpf cc ARGS` with the same ARGS, loads both objects into the running kernel through libbpf
 * (one program at a time, with load-object.c built here with gcc -lbpf), and reports:
 *   - programs tbpf compiles unchanged;
 *   - program sections the kernel accepts from tbpf's object among those it accepts from clang's;
 *   - the geometric mean of tbpf's / clang's instruction counts (the kernel's xlated counts);
 *   - tbpf's error messages grouped into classes (programs affected), for the front end.
 *
 * Needs root (bpf(2)), clang-19, gcc and libbpf-dev. The CLI is built first (turbo, cached).
 *
 *   node packages/cc-frontend/scripts/corpus/measure.mjs CORPUS_DIR [--set main|heldout|all]
 *       [--only SUBSTRING] [--json OUT.json] [--jobs N] [--keep DIR]
 *
 * manifest.json: { flags: [...], systemIncludes: [dirs], programs: [{ id, set, file, includes,
 * defines, cflags, repo, commit, path, license }] } — paths relative to CORPUS_DIR.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

function parseArgs(argv) {
  const opts = { set: 'main', jobs: Math.max(1, Math.min(2, cpus().length)), only: undefined };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--set') opts.set = argv[++i];
    else if (a === '--only') opts.only = argv[++i];
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--jobs') opts.jobs = Number(argv[++i]);
    else if (a === '--keep') opts.keep = argv[++i];
    else rest.push(a);
  }
  if (rest.length !== 1) {
    console.error(
      'usage: measure.mjs CORPUS_DIR [--set main|heldout|all] [--only S] [--json F] [--jobs N] [--keep DIR]',
    );
    process.exit(2);
  }
  opts.corpus = resolve(rest[0]);
  return opts;
}

function run(cmd, args, { cwd, timeout }) {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    execFile(cmd, args, { cwd, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      done({ ok: !err, code: err?.code, killed: err?.killed, stdout, stderr, ms });
    });
  });
}

/** Error messages of a clang-style diagnostic stream, each with quoted names and numbers blanked. */
function errorClasses(stderr) {
  const classes = new Set();
  for (const line of stderr.split('\n')) {
    const m =
      /^[^:\s][^:]*:\d+:\d+: (?:fatal )?error: (.*)$/.exec(line) ?? /^(?:tbpf: )?error: (.*)$/.exec(line);
    if (!m) continue;
    classes.add(
      m[1]
        .replace(/'[^']*'/g, "'…'")
        .replace(/"[^"]*"/g, '"…"')
        .replace(/\b\d+\b/g, 'N'),
    );
  }
  if (classes.size === 0 && stderr.trim()) classes.add(`(no diagnostic) ${stderr.trim().split('\n').pop()}`);
  return [...classes];
}

async function pool(items, jobs, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < items.length) {
        const k = next++;
        results[k] = await work(items[k], k);
      }
    }),
  );
  return results;
}

function loadAll(loader, object) {
  const out = execFileSync(loader, [object], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  if (lines.length === 1 && lines[0].open === false) return { openError: lines[0].error, programs: [] };
  return { programs: lines };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(opts.corpus, 'manifest.json'), 'utf8'));
  const programs = manifest.programs.filter(
    (p) => (opts.set === 'all' || p.set === opts.set) && (!opts.only || p.id.includes(opts.only)),
  );
  const work = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'tbpf-corpus-'));
  mkdirSync(work, { recursive: true });
  const loader = join(work, 'load-object');
  execFileSync('gcc', ['-O1', '-o', loader, join(here, 'load-object.c'), '-lbpf'], { stdio: 'inherit' });
  // turbo needs pnpm on PATH: run it through the pinned pnpm.
  execFileSync(
    'npx',
    ['-y', 'pnpm@9.15.9', 'exec', 'turbo', 'run', 'build', '--filter=@tbpf/cli', '--output-logs=errors-only'],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );
  const tbpf = join(repoRoot, 'apps/cli/bin/tbpf.js');
  console.log(
    `${programs.length} programs (${opts.set}) from ${opts.corpus}; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`,
  );

  const results = await pool(programs, opts.jobs, async (p, k) => {
    const args = [
      ...manifest.flags,
      ...(p.cflags ?? []),
      ...p.defines.map((d) => `-D${d}`),
      ...[...p.includes, ...(manifest.systemIncludes ?? [])].map((i) => `-I${i}`),
      '-c',
      p.file,
    ];
    const clangObj = join(work, `${k}.clang.o`);
    const tbpfObj = join(work, `${k}.tbpf.o`);
    const clang = await run('clang-19', [...args, '-o', clangObj], { cwd: opts.corpus, timeout: 120_000 });
    const mine = await run('node', [tbpf, 'cc', ...args, '-o', tbpfObj], {
      cwd: opts.corpus,
      timeout: 300_000,
    });
    const r = {
      id: p.id,
      set: p.set,
      clangCompiled: clang.ok,
      tbpfCompiled: mine.ok,
      tbpfMs: Math.round(mine.ms),
      errors: mine.ok ? [] : mine.killed ? ['(timed out)'] : errorClasses(mine.stderr),
      firstError: mine.ok
        ? undefined
        : (mine.stderr.split('\n').find((l) => / error: /.test(l)) ?? mine.stderr.slice(0, 300)),
      sections: [],
    };
    const clangLoad = clang.ok ? loadAll(loader, clangObj) : { programs: [] };
    const tbpfLoad = mine.ok ? loadAll(loader, tbpfObj) : { programs: [] };
    if (tbpfLoad.openError) r.tbpfOpenError = tbpfLoad.openError.trim().split('\n').slice(-3).join(' | ');
    for (const c of clangLoad.programs) {
      const t = tbpfLoad.programs.find((x) => x.name === c.name && x.section === c.section);
      r.sections.push({
        section: c.section,
        name: c.name,
        clangOk: c.ok,
        tbpfOk: t?.ok ?? false,
        clangInsns: c.xlated,
        tbpfInsns: t?.xlated ?? 0,
        tbpfLog: t && !t.ok ? t.log.trim().split('\n').slice(-4).join(' | ') : undefined,
      });
    }
    const mark = !mine.ok ? 'FAIL' : r.sections.every((s) => !s.clangOk || s.tbpfOk) ? 'ok  ' : 'LOAD';
    console.log(
      `${mark} ${p.id} (${(mine.ms / 1000).toFixed(1)} s)${r.firstError ? `: ${r.firstError.slice(0, 160)}` : ''}`,
    );
    return r;
  });

  // Summary, per set (the main corpus and the held-out one) and over everything run.
  const summary = (label, rs) => {
    const compiled = rs.filter((r) => r.tbpfCompiled).length;
    const clangCompiled = rs.filter((r) => r.clangCompiled).length;
    const sections = rs.flatMap((r) => r.sections.filter((s) => s.clangOk));
    const accepted = sections.filter((s) => s.tbpfOk);
    const ratios = accepted.filter((s) => s.clangInsns > 0).map((s) => s.tbpfInsns / s.clangInsns);
    const geo = ratios.length
      ? Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / ratios.length)
      : Number.NaN;
    const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)} %` : 'n/a');
    console.log(`\n${label}:`);
    console.log(`  clang-19 compiles            ${clangCompiled}/${rs.length}`);
    console.log(`  tbpf cc compiles unchanged   ${compiled}/${rs.length} (${pct(compiled, rs.length)})`);
    console.log(
      `  kernel accepts tbpf's section where it accepts clang's: ${accepted.length}/${sections.length} (${pct(accepted.length, sections.length)})`,
    );
    console.log(
      `  instructions tbpf/clang (geometric mean over ${ratios.length} sections): ${geo.toFixed(3)}`,
    );
    return geo;
  };
  const sets = [...new Set(programs.map((p) => p.set))];
  if (sets.length > 1)
    for (const set of sets)
      summary(
        `set '${set}'`,
        results.filter((_, k) => programs[k].set === set),
      );
  const geo = summary(`all ${results.length} programs`, results);
  const classes = new Map();
  for (const r of results) for (const c of r.errors) classes.set(c, (classes.get(c) ?? 0) + 1);
  if (classes.size) {
    console.log('\ntbpf cc error classes (programs affected):');
    for (const [c, n] of [...classes].sort((a, b) => b[1] - a[1]))
      console.log(`${String(n).padStart(4)}  ${c}`);
  }
  const rejected = results.flatMap((r) =>
    r.sections.filter((s) => s.clangOk && !s.tbpfOk && r.tbpfCompiled).map((s) => ({ id: r.id, ...s })),
  );
  if (rejected.length) {
    console.log('\nsections the kernel rejects from tbpf (accepted from clang):');
    for (const s of rejected) console.log(`  ${s.id} ${s.section}: ${s.tbpfLog ?? ''}`.slice(0, 400));
  }
  if (opts.json)
    writeFileSync(
      opts.json,
      JSON.stringify({ set: opts.set, corpus: opts.corpus, geoMeanRatio: geo, results }, null, 1),
    );
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
}

await main();
