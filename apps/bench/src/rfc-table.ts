/**
 * The RFC's one measured claim, reproduced: 1,000,000 skb alloc/free per phase on the loopback
 * device, with the tracepoint off, on (every event recorded), filtered by ftrace's predicate
 * `name == "eth5"`, filtered by the cover letter's BPF program on each engine, and off again.
 * Each BPF phase runs in processes of its own beside the other phases (a host runs one engine;
 * V8 optimises the host's filter call for the engines it has seen there), phases interleaved
 * and repeated; the report gives medians, overheads over no tracing and the ratios the RFC
 * quotes, each process's BPF phase against the predicate and recording it measured itself.
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

/** The BPF phases; each runs in processes of its own, beside the phases every process runs. */
export type BpfPhaseId = Extract<PhaseId, `bpf-${string}`>;
export const BPF_PHASES: readonly BpfPhaseId[] = ['bpf-interp', 'bpf-jit', 'bpf-jit-unblinded', 'bpf-wasm'];
/** Every process runs these, so each BPF phase has its references measured beside it. */
const COMMON_PHASES: readonly PhaseId[] = ['none', 'record', 'predicate', 'disabled'];

export interface RfcTableOptions {
  /** skb alloc/free pairs per phase run (the RFC: 1,000,000). */
  iterations: number;
  /** Runs per phase in each process; phases are interleaved run by run. */
  repeats: number;
  /** Processes per BPF phase (rounds over the BPF phases). */
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
  /** Milliseconds per `iterations` pairs: the median over processes of each process's median. */
  ms: number;
  /** Each process's median. */
  runs: number[];
  /** ms minus the no-tracing median of the same process, median over processes. */
  overheadMs: number;
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
  /** BPF overhead / predicate overhead, per engine, each process against its own predicate (RFC: 0.34). */
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
  bpf: BpfPhaseId;
  iterations: number;
  repeats: number;
}

/** What one process measured: each phase's runs (ms) and its last run's counts. */
export type RfcChildResult = Record<PhaseId, { runs: number[]; dropped: number; recorded: number }>;

/**
 * One process of the table (`tbpf-bench rfc-child`): the common phases and one BPF phase,
 * warmed up, then interleaved run by run. One host serves them all, as the RFC had one kernel:
 * before each run the event is reset and the phase's settings are written through the control
 * plane — the filter compiled, verified and prepared again.
 */
export function rfcChild(task: RfcChildTask): RfcChildResult {
  const phases = PHASES.filter((p) => COMMON_PHASES.includes(p.id) || p.id === task.bpf);
  const elf = rfcFilterObject();
  const net = createNetsim();
  const select = (phase: PhaseSpec) => {
    net.host.write(`${EVENT}/enable`, '0');
    net.host.write(`${EVENT}/filter`, '0');
    phase.setup(net, elf);
  };
  // Warm-up. Every phase is set up twice before anything runs hot: V8 treats an object field
  // written only once as a constant in optimised code, and the first rewrite (the next
  // filter) then deoptimises the whole event path — after which the interpreter's loop can
  // stay in baseline code for the rest of the process, 3× slower (seen on Node 20). A host
  // that has replaced a filter once is in the steady state measured here.
  for (const phase of phases) {
    select(phase);
    select(phase);
  }
  for (const phase of phases) {
    select(phase);
    skbLoop(net, Math.min(20_000, task.iterations)); // let V8 optimise every phase's path
  }
  const out = {} as RfcChildResult;
  for (const p of phases) out[p.id] = { runs: [], dropped: 0, recorded: 0 };
  for (let rep = 0; rep < task.repeats; rep++) {
    for (const phase of phases) {
      select(phase);
      const dropped0 = net.kfreeSkb.filtered;
      const written0 = net.host.buffer.stats().written;
      const o = out[phase.id];
      o.runs.push(skbLoop(net, task.iterations));
      o.dropped = net.kfreeSkb.filtered - dropped0;
      o.recorded = net.host.buffer.stats().written - written0;
    }
  }
  return out;
}

function runChild(script: string, task: RfcChildTask): RfcChildResult {
  const r = spawnSync(process.execPath, [script, 'rfc-child', JSON.stringify(task)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`rfc-child ${task.bpf} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as RfcChildResult;
}

const spread = (xs: readonly number[]): Spread => ({
  median: median(xs),
  min: Math.min(...xs),
  max: Math.max(...xs),
});

/**
 * The table: for each BPF phase `rounds` processes (in rotating order), each running the
 * common phases beside it. Ratios are per process — a BPF phase against the predicate and the
 * recording measured in the same process — and the table gives their median over processes.
 */
export function runRfcTable(options: RfcTableOptions): RfcTableReport {
  const loadStart = loadavg();
  const script = options.script ?? process.argv[1];
  const bpfPhases = BPF_PHASES.filter((id) => !options.skip?.has(id));
  const children: { bpf: BpfPhaseId; result: RfcChildResult }[] = [];
  const total = bpfPhases.length * options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    const shift = round % bpfPhases.length;
    for (const bpf of [...bpfPhases.slice(shift), ...bpfPhases.slice(0, shift)]) {
      const result = runChild(script, { bpf, iterations: options.iterations, repeats: options.repeats });
      children.push({ bpf, result });
      options.progress?.(children.length, total, PHASES.find((p) => p.id === bpf)?.label ?? bpf);
    }
  }
  const med = (c: RfcChildResult, id: PhaseId) => median(c[id].runs);
  const over = (c: RfcChildResult, id: PhaseId) => med(c, id) - med(c, 'none');
  const phases: PhaseResult[] = PHASES.filter(
    (p) =>
      !options.skip?.has(p.id) && (COMMON_PHASES.includes(p.id) || bpfPhases.includes(p.id as BpfPhaseId)),
  ).map((p) => {
    const mine = children.filter((c) => c.result[p.id] !== undefined).map((c) => c.result);
    const last = mine[mine.length - 1][p.id];
    const rfcMs = p.rfcUs === undefined ? undefined : p.rfcUs / 1000;
    return {
      id: p.id,
      label: p.label,
      ms: median(mine.map((c) => med(c, p.id))),
      runs: mine.map((c) => med(c, p.id)),
      overheadMs: median(mine.map((c) => over(c, p.id))),
      ...(rfcMs === undefined ? {} : { rfcMs, rfcOverheadMs: rfcMs - 145.179 }),
      dropped: last.dropped,
      recorded: last.recorded,
    };
  });
  const bpfOverPredicate: Partial<Record<BpfPhaseId, Spread>> = {};
  const bpfOverRecord: Partial<Record<BpfPhaseId, Spread>> = {};
  for (const id of bpfPhases) {
    const mine = children.filter((c) => c.bpf === id).map((c) => c.result);
    bpfOverPredicate[id] = spread(mine.map((c) => ratio(over(c, id), over(c, 'predicate'))));
    bpfOverRecord[id] = spread(mine.map((c) => ratio(over(c, id), over(c, 'record'))));
  }
  const overhead = (id: PhaseId) => phases.find((r) => r.id === id)?.overheadMs ?? Number.NaN;
  const none = phases.find((r) => r.id === 'none')?.ms ?? Number.NaN;
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
