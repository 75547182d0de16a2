import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchPrograms } from '@tbpf/third-party';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { NodePhaseId } from './node-table.js';

// Each command imports what it runs when it runs (a chunk of its own in dist): a process loads
// only its command's packages — the verifier's corpus run does not hold the trace host, the
// JITs and the C compiler in its memory.

interface Common {
  quick?: boolean;
  out: string;
  /** Overrides of the --quick/full sizes (tests use tiny runs). */
  iterations?: number;
  repeats?: number;
  calls?: number;
}

function progressBar(total: number) {
  const bar = new SingleBar({
    format: '  {bar} {value}/{total} {label}',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    // Piped into a file, a long run still says where it is: a line every 10 s.
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  bar.start(total, 0, { label: '' });
  return bar;
}

/** The progress bar as the `progress` callback the runners take, for a run of unknown length. */
function progressReporter() {
  const bar = progressBar(1);
  return {
    progress: (done: number, total: number, label: string) => {
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop: () => bar.stop(),
  };
}

/** Write `<name>.json` (and `<name>.svg` when there is a chart) to `out`, and say so. */
function save(out: string, name: string, json: unknown, svg?: string): void {
  mkdirSync(out, { recursive: true });
  const written = [join(out, `${name}.json`)];
  writeFileSync(written[0], `${JSON.stringify(json, null, 2)}\n`);
  if (svg !== undefined) {
    written.push(join(out, `${name}.svg`));
    writeFileSync(written[1], svg);
  }
  process.stdout.write(`\nwrote ${written.join(' and ')}\n`);
}

export async function rfc(opts: Common & { rounds?: number; script?: string }): Promise<void> {
  const { runRfcTable } = await import('./rfc-table.js');
  const { rfcTableSvg, rfcTableText } = await import('./report.js');
  const iterations = opts.iterations ?? (opts.quick ? 200_000 : 1_000_000);
  // Five processes per phase: V8 optimises a phase's loop differently from process to process
  // (the recording phase: 89-125 ns/event), so the median is over processes, not runs.
  const repeats = opts.repeats ?? 3;
  const rounds = opts.rounds ?? (opts.quick ? 1 : 5);
  process.stdout.write(
    `The RFC's table: ${iterations.toLocaleString('en')} skb alloc/free per run, each phase in ${rounds} process${rounds === 1 ? '' : 'es'} of its own (${repeats} runs alternating with no tracing)\n`,
  );
  const bar = progressReporter();
  const report = runRfcTable({
    iterations,
    repeats,
    rounds,
    script: opts.script,
    progress: bar.progress,
  });
  bar.stop();
  process.stdout.write(`\n${rfcTableText(report, opts.quick === true)}`);
  save(opts.out, 'rfc-table', report, rfcTableSvg(report));
}

export async function vm(opts: Common & { progs: string; rounds?: number; script?: string }): Promise<void> {
  const { runVmTable } = await import('./vm-table.js');
  const { vmTableSvg, vmTableText } = await import('./report.js');
  const rounds = opts.rounds ?? (opts.quick ? 2 : 5);
  const repeats = opts.repeats ?? (opts.quick ? 3 : 5);
  const calls = opts.calls ?? (opts.quick ? 200_000 : 2_000_000);
  process.stdout.write(
    `The shared benchmark programs on every engine: each figure in a process of its own, ${rounds} rounds of ${repeats} samples\n`,
  );
  const bar = progressReporter();
  const report = runVmTable({
    progsDir: opts.progs,
    rounds,
    repeats,
    calls,
    script: opts.script,
    progress: bar.progress,
  });
  bar.stop();
  process.stdout.write(`\n${vmTableText(report)}`);
  save(opts.out, 'vm-table', report, vmTableSvg(report));
}

export async function node(
  opts: Common & {
    requests?: number;
    groups?: number;
    rounds?: number;
    warmup?: number;
    phases?: NodePhaseId[];
    concurrency?: number;
    register?: string;
    resamples?: number;
  },
): Promise<void> {
  const { runNodeTable, selectPhases } = await import('./node-table.js');
  const { nodeTableSvg, nodeTableText } = await import('./report.js');
  const groups = opts.groups ?? (opts.quick ? 2 : 12);
  const rounds = opts.rounds ?? (opts.quick ? 8 : 24);
  const requests = opts.requests ?? (opts.quick ? 200 : 400);
  const concurrency = opts.concurrency ?? 16;
  process.stdout.write(
    `The demo's HTTP service under load: ${groups} groups of ${selectPhases(opts.phases).length} servers, ${rounds} rounds of ${requests.toLocaleString('en')} requests to each\n`,
  );
  const bar = progressReporter();
  const report = await runNodeTable({
    groups,
    rounds,
    requests,
    warmup: opts.warmup ?? (opts.quick ? 2_000 : 6_000),
    concurrency,
    eventPathCalls: opts.calls ?? (opts.quick ? 20_000 : 200_000),
    eventPathRepeats: opts.quick ? 5 : 15,
    phases: opts.phases,
    onGroup: (runs) => {
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(join(opts.out, 'node-table.partial.json'), `${JSON.stringify({ runs })}\n`);
    },
    resamples: opts.resamples,
    register: opts.register,
    progress: bar.progress,
  });
  bar.stop();
  process.stdout.write(`\n${nodeTableText(report)}`);
  save(opts.out, 'node-table', report, nodeTableSvg(report));
}

export async function verifier(
  dir: string,
  opts: { out: string; repeats: string; kernel: boolean; filter?: string },
): Promise<void> {
  const { buildKernelOracle, runVerifierCorpus, verifierCorpusText } = await import('./verifier-corpus.js');
  const oracle = opts.kernel ? buildKernelOracle(root) : undefined;
  if (opts.kernel && !oracle)
    process.stderr.write('kernel oracle unavailable (needs root, gcc and bpf(2))\n');
  const bar = progressReporter();
  const report = runVerifierCorpus({
    dir: resolve(dir),
    repeats: Number(opts.repeats),
    oracle,
    ...(opts.filter ? { filter: opts.filter } : {}),
    progress: bar.progress,
  });
  bar.stop();
  process.stdout.write(verifierCorpusText(report));
  save(opts.out, 'verifier-corpus', report);
  // Every phase of the command, the report's text and JSON included.
  process.stdout.write(
    `peak RSS of the whole command: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
}

export async function packets(
  dir: string,
  opts: { out: string; random: string; seed: string; filter?: string },
): Promise<void> {
  const { buildTestRunOracle } = await import('@tbpf/object/testing');
  const { packetCorpusText, runPacketCorpus } = await import('./packet-corpus.js');
  const oracle = buildTestRunOracle(join(root, 'packages/verifier/scripts/bpf-oracle.c'));
  if (!('bin' in oracle)) {
    process.stderr.write(`the kernel oracle is unavailable: ${oracle.reason}\n`);
    process.exitCode = 2;
    return;
  }
  const bar = progressReporter();
  const report = runPacketCorpus({
    dir: resolve(dir),
    bin: oracle.bin,
    random: Number(opts.random),
    seed: Number(opts.seed),
    ...(opts.filter ? { filter: opts.filter } : {}),
    progress: bar.progress,
  });
  bar.stop();
  process.stdout.write(packetCorpusText(report));
  save(opts.out, 'packet-corpus', report);
}

export const program = new Command('tbpf-bench').description(
  "tbpf's benchmarks: the RFC's skb table, the engines, the verifier on a corpus",
);
const root = resolve(new URL('.', import.meta.url).pathname, '../../..');
program
  .command('rfc', { isDefault: true })
  .description("the RFC's 1M skb alloc/free table: no tracing, recording, predicate, BPF on each engine")
  .option('--quick', 'a short run (CI smoke test)')
  .option('--rounds <n>', 'processes per phase', (v) => Number.parseInt(v, 10))
  .option('--out <dir>', 'where to write JSON and SVG', join(root, 'bench-results'))
  .action(rfc);
program
  .command('rfc-child', { hidden: true })
  .argument('<task>')
  .action(async (task: string) => {
    const { rfcChild } = await import('./rfc-table.js');
    process.stdout.write(`${JSON.stringify(rfcChild(JSON.parse(task)))}\n`);
  });
program
  .command('vm')
  .description(
    'the shared benchmark programs on each engine, each in its own process: ns/insn, ns/call, compile time (ubpf beside them when TBPF_UBPF names a built ubpf)',
  )
  .option('--quick', 'a short run')
  .option('--progs <dir>', 'benchmark programs', benchPrograms)
  .option('--rounds <n>', 'rounds of child processes', (v) => Number.parseInt(v, 10))
  .option('--out <dir>', 'where to write JSON and SVG', join(root, 'bench-results'))
  .action(vm);
program
  .command('vm-child', { hidden: true })
  .argument('<task>')
  .action(async (task: string) => {
    const { vmChild } = await import('./vm-child.js');
    process.stdout.write(`${JSON.stringify(vmChild(JSON.parse(task)))}\n`);
  });
program
  .command('node')
  .description(
    "the RFC's table for a real program: the demo's HTTP service with no preload, the preload with events disabled, recording, the predicate, the BPF filter on each engine",
  )
  .option('--quick', 'a short run')
  .option('--groups <n>', 'groups of fresh servers, one per phase', (v) => Number.parseInt(v, 10))
  .option('--rounds <n>', 'rounds per group (a burst to each server)', (v) => Number.parseInt(v, 10))
  .option('--requests <n>', 'requests per burst', (v) => Number.parseInt(v, 10))
  .option('--warmup <n>', 'requests to each server before the rounds', (v) => Number.parseInt(v, 10))
  .option('--concurrency <n>', 'requests in flight', (v) => Number.parseInt(v, 10))
  .option(
    '--phases <ids>',
    "comma-separated phases (none, none-again, disabled, record, predicate, bpf-wasm, bpf-jit, bpf-interp; 'none' and, for traced phases, 'disabled' are added)",
    (v) => v.split(',') as NodePhaseId[],
  )
  .option('--out <dir>', 'where to write JSON and SVG', join(root, 'bench-results'))
  .action(node);
program
  .command('verifier')
  .description(
    'the verifier on a corpus of ELF objects (e.g. vbpf/ebpf-samples): verdicts, processed instructions and speed, beside the kernel',
  )
  .argument('<corpus>', "folder of objects (with expectations.tsv when it is PREVAIL's sample set)")
  .option('--repeats <n>', 'timed verifications per program (median)', '3')
  .option('--no-kernel', 'do not load the programs into the running kernel')
  .option('--filter <text>', 'only objects whose path contains this text')
  .option('--out <dir>', 'where to write the JSON report', join(root, 'bench-results'))
  .action(verifier);
program
  .command('packets')
  .description(
    "the packet programs of a corpus of ELF objects against the kernel's BPF_PROG_TEST_RUN on every engine (root)",
  )
  .argument('<corpus>', 'folder of objects')
  .option('--random <n>', 'random packets beside the standard ones', '24')
  .option('--seed <n>', 'seed of the random packets', '1')
  .option('--filter <text>', 'only objects whose path contains this text')
  .option('--out <dir>', 'where to write the JSON report', join(root, 'bench-results'))
  .action(packets);
/** A campaign's parts, from its module (imported when the command runs). */
interface Campaign<R> {
  run: (o: {
    count: number;
    seed: number;
    jobs: number;
    script: string;
    progress: (done: number) => void;
  }) => Promise<R>;
  text: (report: R) => string;
  findings: (report: R) => number;
  child: (from: number, count: number) => void;
}

/**
 * A seeded campaign run in child processes (`NAME`), and its child's hidden command
 * (`NAME-child FROM COUNT`): progress, the text report, the JSON report, exit 1 on a finding.
 */
function childCampaign<R>(
  name: string,
  description: string,
  unit: string,
  load: () => Promise<Campaign<R>>,
): void {
  program
    .command(name)
    .description(description)
    .option('--count <n>', unit, '100000')
    .option('--seed <n>', 'the first seed', '1')
    .option('--jobs <n>', 'child processes at once', '2')
    .option('--out <dir>', 'where to write the JSON report', join(root, 'bench-results'))
    .action(async (opts: { count: string; seed: string; jobs: string; out: string }) => {
      const { run, text, findings } = await load();
      const count = Number(opts.count);
      const bar = progressBar(count);
      const report = await run({
        count,
        seed: Number(opts.seed),
        jobs: Number(opts.jobs),
        script: process.argv[1],
        progress: (done) => bar.update(done),
      });
      bar.stop();
      process.stdout.write(text(report));
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(join(opts.out, `${name}-campaign.json`), `${JSON.stringify(report, null, 2)}\n`);
      if (findings(report) > 0) process.exitCode = 1;
    });
  program
    .command(`${name}-child`, { hidden: true })
    .argument('<from>')
    .argument('<count>')
    .action(async (from: string, count: string) => (await load()).child(Number(from), Number(count)));
}

childCampaign(
  'sandbox',
  'programs that were not verified on every engine, in child processes: agreement, crashes and hangs counted',
  'programs',
  async () => {
    const m = await import('./sandbox-campaign.js');
    return {
      run: m.runSandboxCampaign,
      text: m.sandboxCampaignText,
      findings: (r) => r.disagreements.length + r.crashes.length + r.hangs.length,
      child: m.sandboxChild,
    };
  },
);
childCampaign(
  'parsers',
  'hostile inputs to every parser a control-plane client reaches, each in a child with a time and heap limit',
  'inputs',
  async () => {
    const m = await import('./parser-campaign.js');
    return {
      run: m.runParserCampaign,
      text: m.parserCampaignText,
      findings: (r) => r.findings.length,
      child: m.parsersChild,
    };
  },
);
program
  .command('control')
  .description(
    "hostile clients against a live host's control socket; a well-behaved client must be answered after every round",
  )
  .option('--requests <n>', 'hostile clients', '10000')
  .option('--seed <n>', 'seed', '1')
  .option('--out <dir>', 'where to write the JSON report', join(root, 'bench-results'))
  .action(async (opts: { requests: string; seed: string; out: string }) => {
    const { controlCampaignText, runControlCampaign } = await import('./control-campaign.js');
    const requests = Number(opts.requests);
    const bar = progressBar(requests);
    const dir = mkdtempSync(join(tmpdir(), 'tbpf-control-'));
    const report = await runControlCampaign({
      requests,
      seed: Number(opts.seed),
      script: process.argv[1],
      socketPath: join(dir, 'host.sock'),
      progress: (done) => bar.update(done),
    });
    bar.stop();
    process.stdout.write(controlCampaignText(report));
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'control-campaign.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (report.failures.length > 0) process.exitCode = 1;
  });
program
  .command('control-host', { hidden: true })
  .argument('<socket>')
  .action(async (socket: string) => (await import('./control-campaign.js')).controlHost(socket));
