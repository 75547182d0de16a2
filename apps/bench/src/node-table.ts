/**
 * The RFC's table for a real program: the demo's HTTP service (@tbpf/demo/node-app, no tracing
 * code) under a bounded loopback load, in these phases —
 *
 *   no preload                         `node server.js`
 *   no preload, a second server        the same again: the A/A check of the method
 *   preload, every event disabled      `node --import @tbpf/trace-host/register server.js`
 *   every response recorded            node:http_server_response_finish enabled, no filter
 *   predicate status >= 500            ftrace's slow path: reserve, fill, test, discard
 *   BPF filter (C), per engine         the demo's status/latency filter, before any buffer work
 *
 * The load is GET /products and /health (all 200, no timers), so the predicate and the BPF
 * filter drop every event, as the RFC's filters dropped every loopback packet.
 *
 * Built to resolve about 1 % on a busy shared machine. The measure is the server's CPU time per
 * request (the sum of its threads' schedstat run time), which other processes' load does not
 * count, beside wall-clock requests per second. The load on a shared machine changes from second
 * to second, so the phases are compared in short bursts close together: a group starts a fresh
 * server per phase, all running at once, warms them up, then runs rounds of one burst of a fixed
 * number of requests to each server, back to back, in an order that rotates from round to round.
 * A phase's figure is paired with another phase's in the same round (its ratio to no preload, its
 * overhead in ns over the preload with events disabled). Fresh processes differ from one another
 * by a few per cent (code layout, JIT decisions), which rounds within one group cannot average
 * away, so several groups are run and the interval is a two-stage bootstrap over groups and their
 * rounds (./paired.ts). The second server without the preload shows what the method reports for
 * no difference at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { NODE_HTTP_C } from '@tbpf/demo/filters';
import { generateLoad } from '@tbpf/demo/load';
import { type NodeApp, startNodeApp } from '@tbpf/demo/node-app';
import { ControlClient, compileFilterC } from '@tbpf/trace-host';
import { findControlSocket } from '@tbpf/trace-host/node';
import { type EventPathResult, runEventPath } from './node-event-path.js';
import { type Estimate, pairedEstimate, pairedRatio } from './paired.js';
import { median, ratio } from './stats.js';

export type NodePhaseId =
  | 'none'
  | 'none-again'
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
  /** Started with `--import` the preload. */
  preload: boolean;
  /**
   * How the preloaded server is configured, over its control socket. A server without it is not
   * connected to before its counters are read at the end: a control connection makes V8 give up
   * its optimised code for Node's stream functions (their objects' shapes change with the pipe's
   * socket), which costs the application CPU for a few thousand requests until it is optimised
   * again; the warm-up covers that for the servers that need one.
   */
  setup?(c: ControlClient, filterElf: Uint8Array): Promise<void>;
}

function bpf(engine: 'wasm' | 'jit' | 'interp', label: string): NodePhaseSpec {
  return {
    id: `bpf-${engine}`,
    label,
    preload: true,
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
  { id: 'none', label: 'no preload', preload: false },
  { id: 'none-again', label: 'no preload, a second server (A/A check)', preload: false },
  { id: 'disabled', label: 'preload, every event disabled', preload: true },
  {
    id: 'record',
    label: 'every response recorded',
    preload: true,
    setup: (c) => c.write(`${EVENT}/enable`, '1'),
  },
  {
    id: 'predicate',
    label: 'predicate status >= 500',
    preload: true,
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
  /** Groups: each starts a fresh server per phase, all running at once. */
  groups: number;
  /** Rounds per group: one burst of `requests` to each server, back to back, in a rotating order. */
  rounds: number;
  requests: number;
  /** Requests to each fresh server before the rounds (in whole bursts, rotating like the rounds). */
  warmup: number;
  /** Requests in flight. */
  concurrency: number;
  /** The in-process event path: emits per batch, batches per variant. */
  eventPathCalls: number;
  eventPathRepeats: number;
  /**
   * The phases to run (default every one). 'none' is always among them (the reference of the
   * ratios), and 'disabled' whenever a traced phase is (the reference of the overheads).
   */
  phases?: readonly NodePhaseId[];
  /** Bootstrap resamples for the confidence intervals (default 4,000). */
  resamples?: number;
  /** The preload to `--import` (default @tbpf/trace-host/register). */
  register?: string;
  progress?: (done: number, total: number, phase: string) => void;
  /** Called with every burst so far after each group (long runs keep what they measured). */
  onGroup?: (runs: readonly Record<NodePhaseId, NodeRun>[][]) => void;
}

/** One burst to one server. */
export interface NodeRun {
  requestsPerSecond: number;
  cpuNsPerRequest: number;
}

export interface NodePhaseResult {
  id: NodePhaseId;
  label: string;
  /** Medians over every burst. */
  requestsPerSecond: number;
  cpuNsPerRequest: number;
  /** CPU ns per request minus `disabled`'s, paired by round (./paired.ts): estimate and 95 % interval. */
  overheadNs?: Estimate;
  /** CPU per request and req/s over `none`'s, paired by round: ratios and 95 % intervals. */
  cpuVsNone?: Estimate;
  requestsPerSecondVsNone?: Estimate;
  /** Over every burst, the warm-ups included: events the filter dropped, records written to the trace buffer. */
  dropped: number;
  recorded: number;
}

export interface NodeTableReport {
  groups: number;
  rounds: number;
  requests: number;
  warmup: number;
  concurrency: number;
  resamples: number;
  node: string;
  /** 1, 5 and 15 minute load averages at the start and at the end. */
  loadAverage: { start: number[]; end: number[] };
  phases: NodePhaseResult[];
  /** BPF-filter overhead / predicate overhead, and / recording overhead, per engine. */
  bpfOverPredicate: Record<string, number>;
  bpfOverRecord: Record<string, number>;
  /** Every burst: runs[group][round][phase]. */
  runs: Record<NodePhaseId, NodeRun>[][];
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

/** A fresh server for the phase, configured; stopped again if configuring it fails. */
async function startPhase(phase: NodePhaseSpec, register: string, elf: Uint8Array): Promise<NodeApp> {
  const app = await startNodeApp(phase.preload ? ['--import', register] : []);
  try {
    const setup = phase.setup;
    if (setup) await control(app, (c) => setup(c, elf));
    return app;
  } catch (e) {
    await app.stop();
    throw e;
  }
}

/**
 * Again, in a new server, when it failed (at most 5 tries): on a busy machine a fresh host's
 * filter can exceed the host's time limit for loading it.
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

/** Round r's order: the phases rotated by r, so each phase takes each place equally often. */
const rotated = <T>(list: readonly T[], r: number) => {
  const k = r % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
};

/** The phases `options` asks for, with the references they need, in table order. */
export function selectPhases(ids: readonly NodePhaseId[] | undefined): readonly NodePhaseSpec[] {
  if (!ids) return NODE_PHASES;
  for (const id of ids)
    if (!NODE_PHASES.some((p) => p.id === id))
      throw new Error(`no phase '${id}' (phases: ${NODE_PHASES.map((p) => p.id).join(', ')})`);
  const want = new Set<NodePhaseId>(['none', ...ids]);
  if (ids.some((id) => id !== 'none' && id !== 'none-again' && id !== 'disabled')) want.add('disabled');
  return NODE_PHASES.filter((p) => want.has(p.id));
}

/** The warm-up in whole bursts (at least one). */
const warmupBursts = (o: NodeTableOptions) => Math.max(1, Math.round(o.warmup / o.requests));

/** One group: a server per phase, all running; warmed up, then `rounds` rounds of one burst each. */
async function runGroup(
  group: number,
  phases: readonly NodePhaseSpec[],
  options: NodeTableOptions,
  register: string,
  elf: Uint8Array,
  step: (label: string) => void,
): Promise<{
  rounds: Record<NodePhaseId, NodeRun>[];
  counts: Map<NodePhaseId, { dropped: number; recorded: number }>;
}> {
  const apps = new Map<NodePhaseSpec, NodeApp>();
  try {
    // Started in a rotated order too (by group), so no phase is always the first to start.
    for (const phase of rotated(phases, group))
      apps.set(phase, await retry(() => startPhase(phase, register, elf)));
    for (let r = 0; r < warmupBursts(options); r++)
      for (const phase of rotated(phases, r))
        await measure(apps.get(phase) as NodeApp, options.requests, options.concurrency);
    const rounds: Record<NodePhaseId, NodeRun>[] = [];
    for (let r = 0; r < options.rounds; r++) {
      step(`round ${r + 1}`);
      const round = {} as Record<NodePhaseId, NodeRun>;
      for (const phase of rotated(phases, r))
        round[phase.id] = await measure(apps.get(phase) as NodeApp, options.requests, options.concurrency);
      rounds.push(round);
    }
    const counts = new Map<NodePhaseId, { dropped: number; recorded: number }>();
    for (const p of phases.filter((p) => p.preload)) {
      const c = await control(apps.get(p) as NodeApp, counters);
      counts.set(p.id, { dropped: c.filtered, recorded: c.written });
    }
    return { rounds, counts };
  } finally {
    await Promise.all([...apps.values()].map((a) => a.stop()));
  }
}

export async function runNodeTable(options: NodeTableOptions): Promise<NodeTableReport> {
  const register = options.register ?? '@tbpf/trace-host/register';
  const resamples = options.resamples ?? 4000;
  const phases = selectPhases(options.phases);
  const elf = compileFilterC(NODE_HTTP_C, 'http_stats.c');
  const start = loadavg();
  const total = options.groups * options.rounds;
  let done = 0;
  const runs: Record<NodePhaseId, NodeRun>[][] = [];
  const counts = new Map<NodePhaseId, { dropped: number; recorded: number }>();
  for (let g = 0; g < options.groups; g++) {
    options.progress?.(done, total, `group ${g + 1}: starting ${phases.length} servers`);
    const group = await runGroup(g, phases, options, register, elf, (label) =>
      options.progress?.(done++, total, `group ${g + 1}, ${label}`),
    );
    runs.push(group.rounds);
    options.onGroup?.(runs);
    for (const [id, c] of group.counts) {
      const sum = counts.get(id) ?? { dropped: 0, recorded: 0 };
      counts.set(id, { dropped: sum.dropped + c.dropped, recorded: sum.recorded + c.recorded });
    }
  }

  const all = (id: NodePhaseId) => runs.flat().map((r) => r[id]);
  const paired = (id: NodePhaseId, base: NodePhaseId, f: (x: NodeRun, b: NodeRun) => number) =>
    runs.map((group) => group.map((r) => f(r[id], r[base])));
  const boot = { resamples };
  const results: NodePhaseResult[] = phases.map((p) => {
    const result: NodePhaseResult = {
      id: p.id,
      label: p.label,
      requestsPerSecond: median(all(p.id).map((x) => x.requestsPerSecond)),
      cpuNsPerRequest: median(all(p.id).map((x) => x.cpuNsPerRequest)),
      dropped: counts.get(p.id)?.dropped ?? 0,
      recorded: counts.get(p.id)?.recorded ?? 0,
    };
    if (p.id !== 'none') {
      result.cpuVsNone = pairedRatio(
        paired(p.id, 'none', (x, b) => x.cpuNsPerRequest / b.cpuNsPerRequest),
        boot,
      );
      result.requestsPerSecondVsNone = pairedRatio(
        paired(p.id, 'none', (x, b) => x.requestsPerSecond / b.requestsPerSecond),
        boot,
      );
    }
    if (p.preload && p.id !== 'disabled')
      result.overheadNs = pairedEstimate(
        paired(p.id, 'disabled', (x, b) => x.cpuNsPerRequest - b.cpuNsPerRequest),
        boot,
      );
    return result;
  });
  const by = new Map(results.map((p) => [p.id, p]));
  const over = (id: NodePhaseId) => by.get(id)?.overheadNs?.value ?? Number.NaN;
  const engines = ['wasm', 'jit', 'interp'] as const;
  options.progress?.(total, total, 'the event path in process');
  const eventPath = await runEventPath({ calls: options.eventPathCalls, repeats: options.eventPathRepeats });
  return {
    groups: options.groups,
    rounds: options.rounds,
    requests: options.requests,
    warmup: warmupBursts(options) * options.requests,
    concurrency: options.concurrency,
    resamples,
    node: process.version,
    loadAverage: { start, end: loadavg() },
    phases: results,
    bpfOverPredicate: Object.fromEntries(engines.map((e) => [e, ratio(over(`bpf-${e}`), over('predicate'))])),
    bpfOverRecord: Object.fromEntries(engines.map((e) => [e, ratio(over(`bpf-${e}`), over('record'))])),
    runs,
    eventPath,
    eventPathCalls: options.eventPathCalls,
    eventPathRepeats: options.eventPathRepeats,
  };
}
