#!/usr/bin/env node
/**
 * A real `make` build of libbpf-bootstrap's examples/c with `tbpf cc` in clang's role (issue 16,
 * point 6), with clang-19 built the same way as the reference. The checkout is kept outside the
 * repository (libbpf-bootstrap with its libbpf, bpftool and vmlinux.h submodules); its own
 * Makefile builds libbpf, compiles every *.bpf.c with `$(CLANG) -g -O2 -target bpf …`, links it
 * with `bpftool gen object`, generates the skeleton with `bpftool gen skeleton` and builds the
 * user-space binary. Each compiler builds in its own copy of examples/c under the work folder.
 *
 * Then (as root, with --run SECONDS) each object is loaded whole into the kernel with `bpftool
 * prog loadall` (the verifier's verdict, whatever the machine can attach), and each binary runs
 * for that long while the machine does what
 * the examples watch (processes start and exit, files are created and unlinked, signals, UDP to
 * 127.0.0.1); a binary "loads" when it is still running at the end or exits 0, and its output is
 * its stdout plus the kernel trace buffer's lines (bpf_printk), which is cleared before each run.
 *
 *   node packages/cc-frontend/scripts/libbpf-bootstrap/build.mjs LIBBPF_BOOTSTRAP_DIR
 *       [--compiler tbpf|clang|both] [--run SECONDS] [--only a,b] [--work DIR] [--json OUT]
 *       [--bpftool PATH] [--jobs N]
 *
 * --bpftool: the Makefile builds bpftool from its submodule unless given one (default: the
 * `bpftool` on PATH when there is one). The CLI is built first (turbo, cached).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const TRACE = '/sys/kernel/tracing/trace';

function parseArgs(argv) {
  const opts = { compiler: 'both', run: 0, jobs: 2, work: join(tmpdir(), 'tbpf-libbpf-bootstrap') };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--compiler') opts.compiler = argv[++i];
    else if (a === '--run') opts.run = Number(argv[++i]);
    else if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '--work') opts.work = resolve(argv[++i]);
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--bpftool') opts.bpftool = argv[++i];
    else if (a === '--jobs') opts.jobs = Number(argv[++i]);
    else rest.push(a);
  }
  if (rest.length !== 1 || !['tbpf', 'clang', 'both'].includes(opts.compiler)) {
    console.error(
      'usage: build.mjs LIBBPF_BOOTSTRAP_DIR [--compiler tbpf|clang|both] [--run SECONDS] [--only a,b] [--work DIR] [--json OUT] [--bpftool PATH] [--jobs N]',
    );
    process.exit(2);
  }
  opts.source = resolve(rest[0]);
  if (!existsSync(join(opts.source, 'examples/c/Makefile'))) {
    console.error(`${opts.source} is not a libbpf-bootstrap checkout (no examples/c/Makefile)`);
    process.exit(2);
  }
  opts.bpftool ??= whichTool('bpftool');
  return opts;
}

function whichTool(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The examples: APPS of the Makefile (the blazesym ones need cargo and its submodule: left out). */
function examples(dir) {
  const make = readFileSync(join(dir, 'Makefile'), 'utf8').replace(/\\\n/g, ' ');
  const m = /^APPS\s*=\s*(.*)$/m.exec(make);
  if (!m) throw new Error('no APPS = … line in examples/c/Makefile');
  return m[1].trim().split(/\s+/);
}

/** A copy of examples/c next to links to the submodules, so each compiler builds on its own. */
function workTree(opts, compiler) {
  const root = join(opts.work, compiler);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'examples'), { recursive: true });
  for (const sub of readdirSync(opts.source))
    if (sub !== 'examples') symlinkSync(join(opts.source, sub), join(root, sub));
  cpSync(join(opts.source, 'examples/c'), join(root, 'examples/c'), {
    recursive: true,
    filter: (src) => !src.includes('/.output'),
  });
  return join(root, 'examples/c');
}

/** The executable the Makefile runs as $(CLANG): clang-19, or a one-line wrapper around `tbpf cc`. */
function compilerCommand(opts, compiler) {
  if (compiler === 'clang') return 'clang-19';
  const wrapper = join(opts.work, 'tbpf-cc');
  const cli = join(repoRoot, 'apps/cli/bin/tbpf.js');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} cc "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return wrapper;
}

/** make -k with the wall time and the CPU time of everything it ran (bash's `times`, children's line). */
function make(dir, vars, targets, opts) {
  const args = ['-k', `-j${opts.jobs}`, ...vars, ...targets];
  const started = process.hrtime.bigint();
  const script = 'make "$@"; s=$?; times >&2; exit $s';
  const r = spawnSync('bash', ['-c', script, 'make', ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const times = r.stderr.trimEnd().split('\n').pop() ?? '';
  const seconds = (t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  };
  const [user, sys] = times.split(/\s+/).map(seconds);
  return {
    ok: r.status === 0,
    log: `${r.stdout}${r.stderr}`,
    s: Number(process.hrtime.bigint() - started) / 1e9,
    cpu: user + sys,
  };
}

/** The first error lines a failed target prints when made alone. */
function failure(dir, vars, target) {
  const r = spawnSync('make', [...vars, target], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = `${r.stdout}${r.stderr}`.split('\n');
  const errors = lines.filter((l) => /error|Error|failed|No such file|not found/.test(l));
  return (errors.length ? errors : lines.filter(Boolean).slice(-3)).slice(0, 4).join(' | ');
}

function build(opts, compiler) {
  const dir = workTree(opts, compiler);
  const apps = examples(dir).filter((a) => !opts.only || opts.only.includes(a));
  const vars = [`CLANG=${compilerCommand(opts, compiler)}`, 'CARGO='];
  if (opts.bpftool) vars.push(`BPFTOOL=${opts.bpftool}`);
  // libbpf.a first (clang is the host compiler for it either way), then the examples.
  make(dir, vars, [join(dir, '.output/libbpf.a')], opts);
  const { log, s, cpu } = make(dir, vars, apps, opts);
  const results = apps.map((app) => {
    const stages = [
      ['bpf.o', `.output/${app}.bpf.o`],
      ['skeleton', `.output/${app}.skel.h`],
      ['binary', app],
    ];
    const r = { app, built: true };
    for (const [stage, file] of stages) {
      if (existsSync(join(dir, file))) continue;
      r.built = false;
      r.failedAt = stage;
      r.error = failure(dir, vars, file);
      break;
    }
    return r;
  });
  return { compiler, dir, seconds: s, cpuSeconds: cpu, log, results };
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** What the examples watch, a few times a second: exec/exit, unlink, kill, UDP on lo. */
async function activity(until) {
  const { createSocket } = await import('node:dgram');
  const sock = createSocket('udp4');
  let i = 0;
  while (Date.now() < until) {
    spawnSync('/bin/true');
    const f = join(tmpdir(), `tbpf-lbb-${process.pid}-${i++}`);
    writeFileSync(f, 'x');
    rmSync(f);
    try {
      process.kill(process.pid, 0);
    } catch {}
    sock.send('tbpf', 9, '127.0.0.1');
    await sleep(200);
  }
  sock.close();
}

function traceLines() {
  try {
    return readFileSync(TRACE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
  } catch {
    return [];
  }
}

/** Every program of the example's object loaded into the kernel (bpftool prog loadall): attach aside. */
function kernelLoad(bpftool, dir, app) {
  const pin = `/sys/fs/bpf/tbpf-lbb-${process.pid}-${app}`;
  const r = spawnSync(bpftool, ['prog', 'loadall', join(dir, `.output/${app}.bpf.o`), pin], {
    encoding: 'utf8',
  });
  spawnSync('rm', ['-rf', pin]);
  const why = r.stderr.split('\n').filter((l) => /Error|failed|invalid|denied/i.test(l));
  return { ok: r.status === 0, error: r.status === 0 ? '' : why.slice(-2).join(' | ').slice(0, 200) };
}

async function runOne(dir, app, seconds) {
  try {
    writeFileSync(TRACE, '');
  } catch {}
  const child = spawn(join(dir, app), [], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const until = Date.now() + seconds * 1000;
  const early = await Promise.race([exited, activity(until).then(() => undefined)]);
  let end = early;
  if (!end) {
    // Ctrl-C lets an example clean up (tc removes the clsact qdisc it added to lo): give it time.
    child.kill('SIGINT');
    end = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
    if (!end) {
      child.kill('SIGKILL');
      end = await exited;
    }
  }
  const running = !early;
  const out = stdout
    .split('\n')
    .filter((l) => l.trim() && !/^Successfully started|^\.+$|^Press Ctrl/.test(l));
  const trace = traceLines();
  const problems = stderr
    .split('\n')
    .filter((l) => /^Failed|failed to|Error|error:/i.test(l) && !/BPF token/.test(l));
  const refused = /failed to load|Failed to (open|load)/.test(stderr);
  return {
    loaded: (running || end.code === 0) && !refused,
    exit: running ? 'running at the time limit' : end.signal ? `signal ${end.signal}` : `exit ${end.code}`,
    stdoutLines: out.length,
    traceLines: trace.length,
    sample: (out[0] ?? trace[0] ?? '').trim().slice(0, 100),
    error: problems.slice(-2).join(' | ').slice(0, 200),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.work, { recursive: true });
  execFileSync('npx', ['-y', 'pnpm@9.15.9', '-F', '@tbpf/cli...', 'build'], {
    cwd: repoRoot,
    stdio: 'ignore',
  });
  const compilers = opts.compiler === 'both' ? ['clang', 'tbpf'] : [opts.compiler];
  const builds = compilers.map((c) => {
    const b = build(opts, c);
    console.log(
      `${c}: make of ${b.results.length} examples: ${b.seconds.toFixed(1)} s wall, ${b.cpuSeconds.toFixed(1)} s CPU (${b.dir})`,
    );
    return b;
  });
  if (opts.run > 0) {
    if (process.getuid?.() !== 0) console.log('not root: the binaries are not run');
    else
      for (const b of builds)
        for (const r of b.results) {
          if (!r.built) continue;
          if (opts.bpftool) r.kernel = kernelLoad(opts.bpftool, b.dir, r.app);
          r.run = await runOne(b.dir, r.app, opts.run);
        }
  }
  console.log();
  for (const b of builds) {
    const built = b.results.filter((r) => r.built).length;
    const loaded = b.results.filter((r) => r.run?.loaded).length;
    const accepted = b.results.filter((r) => r.kernel?.ok).length;
    const output = b.results.filter((r) => r.run?.loaded && r.run.stdoutLines + r.run.traceLines > 0).length;
    console.log(
      `${b.compiler}: ${built}/${b.results.length} build${opts.run > 0 ? `, the kernel loads ${accepted} objects whole (bpftool prog loadall), ${loaded} binaries load and run, ${output} of them produce output` : ''}`,
    );
    for (const r of b.results) {
      const kernel = r.kernel
        ? ` | kernel ${r.kernel.ok ? 'loads the object' : `REFUSES: ${r.kernel.error}`}`
        : '';
      const run = r.run
        ? `${kernel} | binary ${r.run.loaded ? 'runs' : 'FAILS'} (${r.run.exit}), ${r.run.stdoutLines} stdout + ${r.run.traceLines} trace lines${r.run.sample ? `: ${r.run.sample}` : ''}${r.run.error ? ` | ${r.run.error}` : ''}`
        : '';
      console.log(`  ${r.app.padEnd(18)} ${r.built ? 'built' : `FAILED at ${r.failedAt}: ${r.error}`}${run}`);
    }
  }
  if (opts.json)
    writeFileSync(
      opts.json,
      JSON.stringify(
        builds.map(({ log, ...b }) => b),
        null,
        2,
      ),
    );
}

await main();
