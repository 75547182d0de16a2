/**
 * The RFC's table for a real program: the demo's HTTP service (@tbpf/demo/node-app, no tracing
 * code) under a bounded loopback load, in these phases —
 *
 *   no preload                         `node server.js`
 *   preload, every event disabled      `node --import @tbpf/trace-host/register server.js`
 *   every response recorded            node:http_server_response_finish enabled, no filter
 *   predicate status >= 500            ftrace's slow path: reserve, fill, test, discard
 *   BPF filter (C), per engine         the demo's status/latency filter, before any buffer work
 *
 * The load is GET /products and /health (all 200, no timers), so the predicate and the BPF
 * filter drop every event, as the RFC's filters dropped every loopback packet.
 *
 * Built for a busy shared machine: every run is a fresh server process — started, configured
 * over its control socket, warmed up, measured, stopped — so that no process's own luck (its
 * code layout, its JIT's choices) counts for one phase in every round. Rounds run every phase
 * once, in an order that rotates from round to round. Per run: requests per second (wall
 * clock) and the server's CPU time per request (the sum of its threads' schedstat run time,
 * ns). A phase's overhead is the median over rounds of its CPU per request minus that of the
 * preloaded server with events disabled in the same round (paired, so a slow round does not
 * count against one phase); the spread is the interquartile range of those differences.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { NODE_HTTP_C } from '@tbpf/demo/filters';
import { generateLoad } from '@tbpf/demo/load';
import { type NodeApp, startNodeApp } from '@tbpf/demo/node-app';
import { ControlClient, compileFilterC } from '@tbpf/trace-host';
import { findControlSocket } from '@tbpf/trace-host/node';
import { type EventPathResult, runEventPath } from './node-event-path.js';
import { median, ratio } from './stats.js';

export type NodePhaseId =
  | 'none'
  | 'disabled'
  | 'record'
  | 'predicate'
  | 'bpf-wasm'
  | 'bpf-jit'
  | 'bpf-interp';

const EVENT = 'events/node/http_server_response_finish';

interface NodePhaseSpec {
  id: NodePhaseId;
  label: string;
  /** How the phase's preloaded server is configured (undefined: no preload). */
  setup?(c: ControlClient, filterElf: Uint8Array): Promise<void>;
}

function bpf(engine: 'wasm' | 'jit' | 'interp', label: string): NodePhaseSpec {
  return {
    id: `bpf-${engine}`,
    label,
    async setup(c, elf) {
      const head = new TextEncoder().encode(`#!bpf engine=${engine} from=http_stats.c\n`);
      const payload = new Uint8Array(head.length + elf.length);
      payload.set(head);
      payload.set(elf, head.length);
      await c.write(`${EVENT}/filter`, payload);
      await c.write(`${EVENT}/enable`, '1');
    },
  };
}

export const NODE_PHASES: readonly NodePhaseSpec[] = [
  { id: 'none', label: 'no preload' },
  { id: 'disabled', label: 'preload, every event disabled', setup: async () => {} },
  { id: 'record', label: 'every response recorded', setup: (c) => c.write(`${EVENT}/enable`, '1') },
  {
    id: 'predicate',
    label: 'predicate status >= 500',
    async setup(c) {
      await c.write(`${EVENT}/filter`, 'status >= 500');
      await c.write(`${EVENT}/enable`, '1');
    },
  },
  bpf('wasm', 'BPF filter (C), WebAssembly'),
  bpf('jit', 'BPF filter (C), x86-64 JIT'),
  bpf('interp', 'BPF filter (C), interpreter'),
];

export interface NodeTableOptions {
  /** Requests per run, and before it to warm the fresh server up. */
  requests: number;
  warmup: number;
  /** The in-process event path: emits per batch, batches per variant. */
  eventPathCalls: number;
  eventPathRepeats: number;
  /** Rounds (each runs every phase once). */
  repeats: number;
  /** Requests in flight. */
  concurrency: number;
  /** The preload to `--import` (default @tbpf/trace-host/register). */
  register?: string;
  progress?: (done: number, total: number, phase: string) => void;
}

export interface NodeRun {
  requestsPerSecond: number;
  cpuNsPerRequest: number;
}

export interface NodePhaseResult {
  id: NodePhaseId;
  label: string;
  /** Medians over the rounds. */
  requestsPerSecond: number;
  cpuNsPerRequest: number;
  /** Median over rounds of CPU ns per request minus `disabled`'s in the same round; and the IQR of those. */
  overheadNs?: number;
  overheadIqrNs?: [number, number];
  /** Over all measured runs (not the warm-ups): events the filter dropped, records written to the trace buffer. */
  dropped: number;
  recorded: number;
  runs: NodeRun[];
}

export interface NodeTableReport {
  requests: number;
  repeats: number;
  concurrency: number;
  node: string;
  /** 1, 5 and 15 minute load averages at the start and at the end. */
  loadAverage: { start: number[]; end: number[] };
  phases: NodePhaseResult[];
  /**
   * The preload with every event disabled against no preload: medians over rounds of the paired
   * ratios (1 = no cost), with their interquartile ranges.
   */
  disabledVsNone: {
    requestsPerSecond: number;
    requestsPerSecondIqr: [number, number];
    cpuNsPerRequest: number;
    cpuNsPerRequestIqr: [number, number];
  };
  /** BPF-filter overhead / predicate overhead, and / recording overhead, per engine. */
  bpfOverPredicate: Record<string, number>;
  bpfOverRecord: Record<string, number>;
  /** The event path in process (./node-event-path.ts), and its calls × repeats. */
  eventPath: EventPathResult[];
  eventPathCalls: number;
  eventPathRepeats: number;
}

/** CPU time of every thread of `pid`, in ns (schedstat's run time). */
export function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}

/** The load: the catalogue and health checks, all 200, nothing waiting on a timer. */
const benchPath = (i: number) => (i % 2 ? '/products' : '/health');

async function measure(app: NodeApp, requests: number, concurrency: number): Promise<NodeRun> {
  const cpu0 = processCpuNs(app.pid);
  const load = await generateLoad({ port: app.port, requests, concurrency, path: benchPath });
  const cpu = processCpuNs(app.pid) - cpu0;
  if (load.statuses.get(200) !== requests) throw new Error(`unexpected responses: ${[...load.statuses]}`);
  return { requestsPerSecond: requests / load.seconds, cpuNsPerRequest: cpu / requests };
}

/** Run `fn` on a fresh connection to `app`'s host (the host closes connections idle for a minute). */
async function control<T>(app: NodeApp, fn: (c: ControlClient) => Promise<T>): Promise<T> {
  const socket = findControlSocket(app.pid);
  if (!socket) throw new Error(`the preloaded server (pid ${app.pid}) has no control socket`);
  const c = await ControlClient.connect(socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Events the filter dropped so far, and records written to the buffer so far. */
async function counters(c: ControlClient): Promise<{ filtered: number; written: number }> {
  const filtered = /^filtered: (\d+)/m.exec(await c.read(`${EVENT}/stats`))?.[1];
  const written = /^written: (\d+)/m.exec(await c.read('buffer_stats'))?.[1];
  return { filtered: Number(filtered ?? 0), written: Number(written ?? 0) };
}

/** The 25th and 75th percentiles. */
function iqr(values: readonly number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  return [at(0.25), at(0.75)];
}

/** One run: a fresh server for the phase, configured, warmed up, measured, stopped. */
async function runPhase(
  phase: NodePhaseSpec,
  options: NodeTableOptions,
  register: string,
  elf: Uint8Array,
): Promise<{ run: NodeRun; dropped: number; recorded: number }> {
  const app = await startNodeApp(phase.setup ? ['--import', register] : []);
  try {
    const setup = phase.setup;
    if (setup) await control(app, (c) => setup(c, elf));
    await measure(app, options.warmup, options.concurrency);
    const before = setup ? await control(app, counters) : undefined;
    const run = await measure(app, options.requests, options.concurrency);
    const after = setup ? await control(app, counters) : undefined;
    return {
      run,
      dropped: before && after ? after.filtered - before.filtered : 0,
      recorded: before && after ? after.written - before.written : 0,
    };
  } finally {
    await app.stop();
  }
}

/**
 * A run again, in a new server, when it failed (at most 5 tries): on a busy machine a fresh
 * host's filter can exceed the host's time limit for loading it.
 */
async function retry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt === 5) throw e;
    }
  }
}

export async function runNodeTable(options: NodeTableOptions): Promise<NodeTableReport> {
  const register = options.register ?? '@tbpf/trace-host/register';
  const elf = compileFilterC(NODE_HTTP_C, 'http_stats.c');
  const start = loadavg();
  const total = NODE_PHASES.length * options.repeats;
  let done = 0;
  const rounds: Map<NodePhaseId, NodeRun>[] = [];
  const counts = new Map<NodePhaseId, { dropped: number; recorded: number }>();
  for (let round = 0; round < options.repeats; round++) {
    const runs = new Map<NodePhaseId, NodeRun>();
    const shift = round % NODE_PHASES.length;
    for (const phase of [...NODE_PHASES.slice(shift), ...NODE_PHASES.slice(0, shift)]) {
      options.progress?.(done++, total, phase.label);
      const r = await retry(() => runPhase(phase, options, register, elf));
      runs.set(phase.id, r.run);
      const c = counts.get(phase.id) ?? { dropped: 0, recorded: 0 };
      counts.set(phase.id, { dropped: c.dropped + r.dropped, recorded: c.recorded + r.recorded });
    }
    rounds.push(runs);
  }

  const runsOf = (id: NodePhaseId) => rounds.map((r) => r.get(id) as NodeRun);
  const paired = (id: NodePhaseId, f: (x: NodeRun, base: NodeRun) => number, base: NodePhaseId) =>
    rounds.map((r) => f(r.get(id) as NodeRun, r.get(base) as NodeRun));
  const phases: NodePhaseResult[] = NODE_PHASES.map((p) => {
    const runs = runsOf(p.id);
    const result: NodePhaseResult = {
      id: p.id,
      label: p.label,
      requestsPerSecond: median(runs.map((x) => x.requestsPerSecond)),
      cpuNsPerRequest: median(runs.map((x) => x.cpuNsPerRequest)),
      dropped: counts.get(p.id)?.dropped ?? 0,
      recorded: counts.get(p.id)?.recorded ?? 0,
      runs,
    };
    if (p.id !== 'none' && p.id !== 'disabled') {
      const d = paired(p.id, (x, b) => x.cpuNsPerRequest - b.cpuNsPerRequest, 'disabled');
      result.overheadNs = median(d);
      result.overheadIqrNs = iqr(d);
    }
    return result;
  });
  const by = new Map(phases.map((p) => [p.id, p]));
  const over = (id: NodePhaseId) => by.get(id)?.overheadNs ?? Number.NaN;
  const rps = paired('disabled', (x, b) => x.requestsPerSecond / b.requestsPerSecond, 'none');
  const cpu = paired('disabled', (x, b) => x.cpuNsPerRequest / b.cpuNsPerRequest, 'none');
  const engines = ['wasm', 'jit', 'interp'] as const;
  options.progress?.(total, total, 'the event path in process');
  const eventPath = await runEventPath({ calls: options.eventPathCalls, repeats: options.eventPathRepeats });
  return {
    requests: options.requests,
    repeats: options.repeats,
    concurrency: options.concurrency,
    node: process.version,
    loadAverage: { start, end: loadavg() },
    phases,
    disabledVsNone: {
      requestsPerSecond: median(rps),
      requestsPerSecondIqr: iqr(rps),
      cpuNsPerRequest: median(cpu),
      cpuNsPerRequestIqr: iqr(cpu),
    },
    bpfOverPredicate: Object.fromEntries(engines.map((e) => [e, ratio(over(`bpf-${e}`), over('predicate'))])),
    bpfOverRecord: Object.fromEntries(engines.map((e) => [e, ratio(over(`bpf-${e}`), over('record'))])),
    eventPath,
    eventPathCalls: options.eventPathCalls,
    eventPathRepeats: options.eventPathRepeats,
  };
}
