/**
 * The sandbox campaign: random programs that were not verified (./sandbox-programs.ts) on the
 * interpreter (`boundsCheck: false`), the x86-64 JIT and WebAssembly, each on a fresh, identical
 * runtime, run through `runProgram` (its tail calls go to the program itself). They must agree — the same r0 or the same fault kind at the same pc, the same bytes
 * in the memory above the NULL guard, the same trace_printk lines — and the process must
 * survive. Programs run in child processes (`tbpf-bench sandbox-child`), so a crash or a hang
 * is counted (and its seed kept) instead of ending the campaign.
 */
import { wasmEngine } from '@tbpf/jit-wasm';
import { x64Engine } from '@tbpf/jit-x64';
import {
  type Engine,
  type EngineName,
  interpreter,
  loadInsns,
  NULL_GUARD,
  type PreparedProgram,
  runProgram,
  VmError,
} from '@tbpf/vm';
import { runInChildren } from './campaign-runner.js';
import { CTX_SIZE, sandboxProgram, sandboxWorld } from './sandbox-programs.js';

const ENGINES: readonly Engine[] = [interpreter, x64Engine, wasmEngine];

/** What one engine made of one program. */
export interface SandboxOutcome {
  engine: EngineName;
  /** `r0=…`, or `fault <kind> at <pc>`, or `refused: …` (the engine cannot run it). */
  result: string;
  memory: Uint8Array;
  /** [start, end) offsets of the engine's private regions. */
  privateRanges: [number, number][];
  printk: string[];
}

/** Engine-private regions (their bytes are the engine's, not the program's). */
const PRIVATE_REGIONS = new Set(['wasm helper exchange']);

function runOne(engine: Engine, seed: number): SandboxOutcome {
  const world = sandboxWorld();
  const { runtime } = world;
  const insns = sandboxProgram(seed, world);
  let result: string;
  let prepared: PreparedProgram | undefined;
  try {
    prepared = engine.prepare(loadInsns(runtime, insns, { maps: world.maps }), { boundsCheck: false });
    world.progs.set(0, prepared);
    world.progs.set(1, prepared);
  } catch (e) {
    result = `refused: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (prepared) {
    try {
      result = `r0=${runProgram(prepared, world.ctx, CTX_SIZE)}`;
    } catch (e) {
      if (!(e instanceof VmError)) throw e;
      result = `fault ${e.kind} at ${e.pc}`;
    }
  }
  const memory = runtime.memory.bytes.slice(NULL_GUARD);
  const privateRanges = runtime.memory.regions
    .filter((r) => PRIVATE_REGIONS.has(r.name))
    .map((r): [number, number] => [r.start - NULL_GUARD, r.end - NULL_GUARD]);
  world.progs.clear();
  prepared?.dispose();
  return { engine: engine.name, result: result!, memory, privateRanges, printk: [...runtime.printkLog] };
}

/** Program `seed` on every available engine: why they disagree (undefined: they agree), and which refused it. */
export function checkProgram(seed: number): { why?: string; refused: EngineName[] } {
  const outcomes = ENGINES.filter((e) => e.available().ok).map((e) => runOne(e, seed));
  // Engine-private bytes are nobody's result: zero every engine's private ranges in every copy.
  for (const [start, end] of outcomes.flatMap((o) => o.privateRanges)) {
    for (const o of outcomes) o.memory.fill(0, start, end);
  }
  // An engine may refuse a program at load time (the JIT: calls nested deeper than 8 frames);
  // hosts then run it elsewhere. Only engines that ran it are compared.
  const refused = outcomes.filter((o) => o.result.startsWith('refused')).map((o) => o.engine);
  const ran = outcomes.filter((o) => !o.result.startsWith('refused'));
  const [ref, ...others] = ran;
  for (const o of others) {
    if (o.result !== ref.result)
      return { why: `${ref.engine}: ${ref.result}; ${o.engine}: ${o.result}`, refused };
    const at = firstDifference(ref.memory, o.memory);
    if (at >= 0)
      return {
        why: `memory differs at offset 0x${(at + NULL_GUARD).toString(16)} (${ref.engine} vs ${o.engine})`,
        refused,
      };
    if (ref.printk.join('\n') !== o.printk.join('\n'))
      return { why: `trace_printk output differs (${o.engine})`, refused };
  }
  return { refused };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The child's loop: one JSON line per program on standard output. */
export function sandboxChild(from: number, count: number): void {
  for (let seed = from; seed < from + count; seed++) {
    process.stdout.write(`${JSON.stringify({ seed, ...checkProgram(seed) })}\n`);
  }
}

export interface SandboxCampaignOptions {
  /** Programs to run (per engine: every program runs on each available engine). */
  count: number;
  /** The first seed. */
  seed: number;
  /** Child processes at once. */
  jobs: number;
  /** The script that runs `sandbox-child` (this app's bundle). */
  script: string;
  /** A child that reports nothing for this long is killed and its program counted as a hang. */
  hangMs?: number;
  /** Programs per child process. */
  chunk?: number;
  progress?: (done: number) => void;
}

export interface SandboxCampaignReport {
  programs: number;
  firstSeed: number;
  engines: EngineName[];
  agreed: number;
  /** Programs an engine refused at load time (then not compared on it), per engine. */
  refused: Partial<Record<EngineName, number>>;
  disagreements: { seed: number; why: string }[];
  crashes: { seed: number; how: string }[];
  hangs: number[];
}

/** Run the campaign in child processes; every program is counted once: agreed, disagreed, crashed or hung. */
export async function runSandboxCampaign(options: SandboxCampaignOptions): Promise<SandboxCampaignReport> {
  const report: SandboxCampaignReport = {
    programs: options.count,
    firstSeed: options.seed,
    engines: ENGINES.filter((e) => e.available().ok).map((e) => e.name),
    agreed: 0,
    refused: {},
    disagreements: [],
    crashes: [],
    hangs: [],
  };
  let done = 0;
  await runInChildren<{ seed: number; why?: string; refused: EngineName[] }>({
    script: options.script,
    command: 'sandbox-child',
    count: options.count,
    seed: options.seed,
    jobs: options.jobs,
    chunk: options.chunk ?? 2000,
    itemMs: options.hangMs ?? 60_000,
    onLine: (line) => {
      if (line.why === undefined) report.agreed++;
      else report.disagreements.push({ seed: line.seed, why: line.why });
      for (const e of line.refused) report.refused[e] = (report.refused[e] ?? 0) + 1;
      options.progress?.(++done);
    },
    onFailure: (seed, how) => {
      if (how === 'hang') report.hangs.push(seed);
      else report.crashes.push({ seed, how });
      options.progress?.(++done);
    },
  });
  report.disagreements.sort((a, b) => a.seed - b.seed);
  return report;
}

/** The report as text. */
export function sandboxCampaignText(r: SandboxCampaignReport): string {
  const lines = [
    `${r.programs.toLocaleString('en')} programs that were not verified (seeds ${r.firstSeed}…${r.firstSeed + r.programs - 1}), each on ${r.engines.join(', ')}:`,
    `  engines agree: ${r.agreed.toLocaleString('en')}`,
    `  refused at load time (not compared on that engine): ${
      Object.entries(r.refused)
        .map(([e, n]) => `${e} ${n}`)
        .join(', ') || 'none'
    }`,
    `  disagreements: ${r.disagreements.length}`,
    `  crashes: ${r.crashes.length}`,
    `  hangs: ${r.hangs.length}`,
  ];
  for (const d of r.disagreements.slice(0, 20)) lines.push(`  seed ${d.seed}: ${d.why}`);
  for (const c of r.crashes.slice(0, 20)) lines.push(`  seed ${c.seed}: crashed (${c.how})`);
  for (const h of r.hangs.slice(0, 20)) lines.push(`  seed ${h}: hung`);
  return `${lines.join('\n')}\n`;
}
