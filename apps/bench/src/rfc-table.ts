/**
 * The RFC's one measured claim, reproduced: 1,000,000 skb alloc/free per phase on the loopback
 * device, with the tracepoint off, on (every event recorded), filtered by ftrace's predicate
 * `name == "eth5"`, filtered by the cover letter's BPF program on each engine, and off again.
 * Phases are interleaved and repeated; the report gives medians, overheads over no tracing and
 * the ratios the RFC quotes, next to its own figures.
 */
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

export interface RfcTableOptions {
  /** skb alloc/free pairs per phase run (the RFC: 1,000,000). */
  iterations: number;
  /** Runs per phase; phases are interleaved run by run. */
  repeats: number;
  /** Phases to leave out (e.g. an engine that is not available). */
  skip?: ReadonlySet<PhaseId>;
  progress?: (done: number, total: number, phase: string) => void;
}

export interface PhaseResult {
  id: PhaseId;
  label: string;
  /** Median over the repeats, milliseconds per `iterations` pairs. */
  ms: number;
  runs: number[];
  /** ms minus the no-tracing median. */
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
  phases: PhaseResult[];
  /** BPF overhead / predicate overhead, per engine (RFC: 0.34). */
  bpfOverPredicate: Partial<Record<EngineName, number>>;
  /** BPF overhead / recording overhead, per engine (RFC: 0.57). */
  bpfOverRecord: Partial<Record<EngineName, number>>;
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

export function runRfcTable(options: RfcTableOptions): RfcTableReport {
  const phases = PHASES.filter((p) => !options.skip?.has(p.id));
  const elf = rfcFilterObject();
  const runs = new Map<PhaseId, number[]>(phases.map((p) => [p.id, []]));
  const last = new Map<PhaseId, { dropped: number; recorded: number }>();
  // One host for every phase, as the RFC had one kernel: between runs the event is reset and
  // the next phase's settings are written through the control plane. (A host per phase would
  // give V8 one object shape per host and make the shared host code megamorphic.)
  const net = createNetsim();
  const select = (phase: PhaseSpec) => {
    net.host.write(`${EVENT}/enable`, '0');
    net.host.write(`${EVENT}/filter`, '0');
    phase.setup(net, elf);
  };
  for (const phase of phases) {
    select(phase);
    skbLoop(net, Math.min(20_000, options.iterations)); // warm-up: let V8 optimise every phase's path
  }
  const total = phases.length * options.repeats;
  let done = 0;
  for (let rep = 0; rep < options.repeats; rep++) {
    for (const phase of phases) {
      select(phase);
      const dropped0 = net.kfreeSkb.filtered;
      const written0 = net.host.buffer.stats().written;
      runs.get(phase.id)!.push(skbLoop(net, options.iterations));
      last.set(phase.id, {
        dropped: net.kfreeSkb.filtered - dropped0,
        recorded: net.host.buffer.stats().written - written0,
      });
      options.progress?.(++done, total, phase.label);
    }
  }
  const none = median(runs.get('none') ?? [0]);
  const results: PhaseResult[] = phases.map((p) => {
    const ms = median(runs.get(p.id)!);
    const rfcMs = p.rfcUs === undefined ? undefined : p.rfcUs / 1000;
    return {
      id: p.id,
      label: p.label,
      ms,
      runs: runs.get(p.id)!,
      overheadMs: ms - none,
      ...(rfcMs === undefined ? {} : { rfcMs, rfcOverheadMs: rfcMs - 145.179 }),
      ...last.get(p.id)!,
    };
  });
  const over = (id: PhaseId) => results.find((r) => r.id === id)?.overheadMs;
  const bpfOverPredicate: Partial<Record<EngineName, number>> = {};
  const bpfOverRecord: Partial<Record<EngineName, number>> = {};
  for (const engine of ['interp', 'jit', 'wasm'] as const) {
    const o = over(`bpf-${engine}`);
    if (o === undefined) continue;
    bpfOverPredicate[engine] = ratio(o, over('predicate') ?? Number.NaN);
    bpfOverRecord[engine] = ratio(o, over('record') ?? Number.NaN);
  }
  return {
    iterations: options.iterations,
    repeats: options.repeats,
    phases: results,
    bpfOverPredicate,
    bpfOverRecord,
    disabledVsNone: ratio(over('disabled') ?? Number.NaN, none),
    blindingCost: ratio(over('bpf-jit') ?? Number.NaN, over('bpf-jit-unblinded') ?? Number.NaN),
  };
}
