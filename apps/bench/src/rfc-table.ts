/**
 * The RFC's one measured claim, reproduced: 1,000,000 skb alloc/free per phase on the loopback
 * device, with the tracepoint off, on (every event recorded), filtered by ftrace's predicate
 * `name == "eth5"`, filtered by the cover letter's BPF program on each engine, and off again.
 * Each phase runs in processes of its own, alternating with no tracing run by run (a host runs
 * one configuration for long stretches, and V8 optimises the event path for what it has seen:
 * phases sharing a process would each pay for the others); the report gives medians, each
 * phase's overhead over no tracing in its own processes, and the ratios the RFC quotes, next to
 * its own figures.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { compile } from '@tbpf/cc-frontend';
import { RFC_FILTER_C } from '@tbpf/demo/filters';
import { createNetsim, type Netsim } from '@tbpf/demo/netsim';
import type { EngineName } from '@tbpf/vm';
import { cpuMs, median, ratio } from './stats.js';

export type PhaseId =
  | 'none'
  | 'record'
  | 'predicate'
  | 'bpf-interp'
  | 'bpf-jit'
  | 'bpf-jit-unblinded'
  | 'bpf-wasm'
  | 'disabled';

export interface PhaseSpec {
  id: PhaseId;
  label: string;
  /** The RFC's figure for this phase (µs for 1M), where it measured one. */
  rfcUs?: number;
  setup(net: Netsim, filterElf: Uint8Array): void;
}

const EVENT = 'events/skb/kfree_skb';

function bpf(engine: EngineName, label: string, rfcUs?: number, blind?: false): PhaseSpec {
  return {
    id: `bpf-${engine}${blind === false ? '-unblinded' : ''}` as PhaseId,
    label,
    rfcUs,
    setup(net, elf) {
      net.host.write(`${EVENT}/enable`, '1');
      net.host.setBpfFilter('skb/kfree_skb', { kind: 'elf', bytes: elf }, { engine, blind });
    },
  };
}

export const PHASES: readonly PhaseSpec[] = [
  { id: 'none', label: 'no tracing', rfcUs: 145_179, setup() {} },
  {
    id: 'record',
    label: 'tracing enabled (every event recorded)',
    rfcUs: 240_419,
    setup: (net) => net.host.write(`${EVENT}/enable`, '1'),
  },
  {
    id: 'predicate',
    label: 'predicate filter name == "eth5"',
    rfcUs: 302_552,
    setup(net) {
      net.host.write(`${EVENT}/enable`, '1');
      net.host.write(`${EVENT}/filter`, 'name == "eth5"');
    },
  },
  bpf('interp', 'BPF filter, interpreter'),
  bpf('jit', 'BPF filter, x86-64 JIT (constants blinded, the default)', 199_463),
  bpf('jit', 'BPF filter, x86-64 JIT, constants not blinded', undefined, false),
  bpf('wasm', 'BPF filter, WebAssembly'),
  {
    id: 'disabled',
    label: 'tracing disabled again',
    rfcUs: 144_919,
    setup(net) {
      net.host.write(`${EVENT}/enable`, '1');
      net.host.write(`${EVENT}/filter`, 'name == "eth5"');
      net.host.write(`${EVENT}/enable`, '0');
    },
  },
];

/** The phases measured against no tracing, each in processes of its own. */
export type MeasuredPhaseId = Exclude<PhaseId, 'none'>;
export type BpfPhaseId = Extract<PhaseId, `bpf-${string}`>;
const MEASURED: readonly MeasuredPhaseId[] = [
  'record',
  'predicate',
  'bpf-interp',
  'bpf-jit',
  'bpf-jit-unblinded',
  'bpf-wasm',
  'disabled',
];

export interface RfcTableOptions {
  /** skb alloc/free pairs per phase run (the RFC: 1,000,000). */
  iterations: number;
  /** Runs of the phase and of no tracing in each process, alternating. */
  repeats: number;
  /** Processes per phase (rounds over the phases, in rotating order). */
  rounds: number;
  /** Phases to leave out (e.g. an engine that is not available). */
  skip?: ReadonlySet<PhaseId>;
  /** This app's script, which runs `rfc-child` (default: the running script). */
  script?: string;
  progress?: (done: number, total: number, phase: string) => void;
}

/** A median over processes, with the lowest and highest process. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface PhaseResult {
  id: PhaseId;
  label: string;
  /** Milliseconds per `iterations` pairs: the median over the phase's processes of each process's median. */
  ms: number;
  /** Each process's median. */
  runs: number[];
  /** ms minus the no-tracing median of the same process, median over processes. */
  overheadMs: number;
  /** The lowest and highest process's overhead. */
  overheadRange: [number, number];
  rfcMs?: number;
  rfcOverheadMs?: number;
  /** Events the filter dropped in the last run (sanity: a filter must drop every lo packet). */
  dropped: number;
  /** Records written to the ring buffer in the last run. */
  recorded: number;
}

export interface RfcTableReport {
  iterations: number;
  repeats: number;
  rounds: number;
  loadAverage: { start: number[]; end: number[] };
  phases: PhaseResult[];
  /** BPF overhead / predicate overhead, per engine: medians over each phase's processes (RFC: 0.34). */
  bpfOverPredicate: Partial<Record<BpfPhaseId, Spread>>;
  /** BPF overhead / recording overhead, likewise (RFC: 0.57). */
  bpfOverRecord: Partial<Record<BpfPhaseId, Spread>>;
  /** The x86-64 JIT filter's overhead with constant blinding (the default) / without. */
  blindingCost: number;
  /** (disabled − none) / none (RFC: −0.2 %). */
  disabledVsNone: number;
}

export const RFC_RATIOS = {
  bpfOverPredicate: (199_463 - 145_179) / (302_552 - 145_179),
  bpfOverRecord: (199_463 - 145_179) / (240_419 - 145_179),
};

/**
 * The RFC's loop: allocate and free `n` skbs on the loopback device. Returns the process's CPU
 * time in milliseconds (user + system), not wall-clock time, so that other work on a shared
 * machine does not charge this phase for preemption.
 */
function skbLoop(net: Netsim, n: number): number {
  const lo = net.device('lo');
  return cpuMs(() => {
    for (let i = 0; i < n; i++) net.kfree_skb(net.netdev_alloc_skb(lo, 128));
  });
}

/** The cover letter's filter as an ELF object, compiled once by tbpf's C compiler. */
export function rfcFilterObject(): Uint8Array {
  const r = compile(RFC_FILTER_C, { fileName: 'filter.c' });
  if (!r.bytes) throw new Error(`the RFC filter did not compile:\n${r.messages}`);
  return r.bytes;
}

export interface RfcChildTask {
  phase: MeasuredPhaseId;
  iterations: number;
  repeats: number;
}

/** What one process measured: runs (ms) with no tracing and with the phase, and the phase's last counts. */
export interface RfcChildResult {
  none: number[];
  phase: number[];
  dropped: number;
  recorded: number;
}

/**
 * One process of the table (`tbpf-bench rfc-child`): no tracing and one phase, alternating run
 * by run. The phase is set up once, as the RFC set up each of its runs — its filter compiled,
 * verified and prepared through the control plane — and the runs switch the event on and off
 * (`enable`). 'disabled' instead sets the predicate, switches the event on and off again before
 * each of its runs, and clears the filter before each no-tracing run.
 */
export function rfcChild(task: RfcChildTask): RfcChildResult {
  const elf = rfcFilterObject();
  const net = createNetsim();
  const spec = PHASES.find((p) => p.id === task.phase) as PhaseSpec;
  const enable = (on: boolean) => net.host.write(`${EVENT}/enable`, on ? '1' : '0');
  const none = () => {
    if (task.phase === 'disabled') net.host.write(`${EVENT}/filter`, '0');
    enable(false);
  };
  const phase = () => {
    if (task.phase === 'disabled') spec.setup(net, elf);
    else enable(true);
  };
  if (task.phase !== 'disabled') spec.setup(net, elf);
  const out: RfcChildResult = { none: [], phase: [], dropped: 0, recorded: 0 };
  // Warm-up: V8 optimises both states' paths, on-stack and whole, before anything is timed.
  for (const state of [none, phase, none, phase, none, phase]) {
    state();
    skbLoop(net, Math.min(200_000, task.iterations));
  }
  for (let rep = 0; rep < task.repeats; rep++) {
    none();
    out.none.push(skbLoop(net, task.iterations));
    phase();
    const dropped0 = net.kfreeSkb.filtered;
    const written0 = net.host.buffer.stats().written;
    out.phase.push(skbLoop(net, task.iterations));
    out.dropped = net.kfreeSkb.filtered - dropped0;
    out.recorded = net.host.buffer.stats().written - written0;
  }
  return out;
}

function runChild(script: string, task: RfcChildTask): RfcChildResult {
  const r = spawnSync(process.execPath, [script, 'rfc-child', JSON.stringify(task)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`rfc-child ${task.phase} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as RfcChildResult;
}

/**
 * The table: for each phase `rounds` processes (in rotating order), each measuring the phase
 * against no tracing in the same process. Ratios divide the median overheads over each phase's
 * processes; their range pairs the lowest and highest processes.
 */
export function runRfcTable(options: RfcTableOptions): RfcTableReport {
  const loadStart = loadavg();
  const script = options.script ?? process.argv[1];
  const measured = MEASURED.filter((id) => !options.skip?.has(id));
  const children = new Map<MeasuredPhaseId, RfcChildResult[]>(measured.map((id) => [id, []]));
  const total = measured.length * options.rounds;
  let done = 0;
  for (let round = 0; round < options.rounds; round++) {
    const shift = round % measured.length;
    for (const phase of [...measured.slice(shift), ...measured.slice(0, shift)]) {
      const result = runChild(script, { phase, iterations: options.iterations, repeats: options.repeats });
      if (dropsEverything(phase) && result.dropped !== options.iterations)
        throw new Error(`${phase}: the filter dropped ${result.dropped} of ${options.iterations} events`);
      children.get(phase)?.push(result);
      options.progress?.(++done, total, PHASES.find((p) => p.id === phase)?.label ?? phase);
    }
  }
  const all = [...children.values()].flat();
  const noneRuns = all.map((c) => median(c.none));
  const overheads = (id: MeasuredPhaseId) =>
    (children.get(id) ?? []).map((c) => median(c.phase) - median(c.none));
  const phases: PhaseResult[] = PHASES.filter((p) => p.id === 'none' || measured.includes(p.id)).map((p) => {
    const rfcMs = p.rfcUs === undefined ? undefined : p.rfcUs / 1000;
    const rfc = rfcMs === undefined ? {} : { rfcMs, rfcOverheadMs: rfcMs - 145.179 };
    if (p.id === 'none') {
      return {
        id: p.id,
        label: p.label,
        ms: median(noneRuns),
        runs: noneRuns,
        overheadMs: 0,
        overheadRange: [0, 0],
        ...rfc,
        dropped: 0,
        recorded: 0,
      };
    }
    const mine = children.get(p.id) as RfcChildResult[];
    const over = overheads(p.id);
    const last = mine[mine.length - 1];
    return {
      id: p.id,
      label: p.label,
      ms: median(mine.map((c) => median(c.phase))),
      runs: mine.map((c) => median(c.phase)),
      overheadMs: median(over),
      overheadRange: [Math.min(...over), Math.max(...over)],
      ...rfc,
      dropped: last.dropped,
      recorded: last.recorded,
    };
  });
  const overhead = (id: PhaseId) => phases.find((r) => r.id === id)?.overheadMs ?? Number.NaN;
  const range = (id: PhaseId) => phases.find((r) => r.id === id)?.overheadRange ?? [Number.NaN, Number.NaN];
  const ratioSpread = (id: BpfPhaseId, ref: PhaseId): Spread => ({
    median: ratio(overhead(id), overhead(ref)),
    min: ratio(range(id)[0], range(ref)[1]),
    max: ratio(range(id)[1], range(ref)[0]),
  });
  const bpfOverPredicate: Partial<Record<BpfPhaseId, Spread>> = {};
  const bpfOverRecord: Partial<Record<BpfPhaseId, Spread>> = {};
  for (const id of measured) {
    if (!id.startsWith('bpf-')) continue;
    bpfOverPredicate[id as BpfPhaseId] = ratioSpread(id as BpfPhaseId, 'predicate');
    bpfOverRecord[id as BpfPhaseId] = ratioSpread(id as BpfPhaseId, 'record');
  }
  const none = median(noneRuns);
  return {
    iterations: options.iterations,
    repeats: options.repeats,
    rounds: options.rounds,
    loadAverage: { start: loadStart, end: loadavg() },
    phases,
    bpfOverPredicate,
    bpfOverRecord,
    disabledVsNone: ratio(overhead('disabled'), none),
    blindingCost: ratio(overhead('bpf-jit'), overhead('bpf-jit-unblinded')),
  };
}

/** Phases whose filter must drop every loopback event. */
function dropsEverything(phase: MeasuredPhaseId): boolean {
  return phase === 'predicate' || phase.startsWith('bpf-');
}
