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
 * filter drop every event, as the RFC's filters dropped every loopback packet. Two servers: one
 * plain, one preloaded that every traced phase reconfigures over its control socket. Phases are
 * warmed up, then interleaved run by run. Measured per run: requests per second (wall clock)
 * and the server's CPU time per request (the sum of its threads' schedstat run time, in ns — a
 * busy machine does not inflate it with preemption). Overheads are CPU ns per request over the
 * preloaded server with events disabled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { NODE_HTTP_C } from '@tbpf/demo/filters';
import { generateLoad } from '@tbpf/demo/load';
import { type NodeApp, startNodeApp } from '@tbpf/demo/node-app';
import { ControlClient, compileFilterC } from '@tbpf/trace-host';
import { findControlSocket } from '@tbpf/trace-host/node';
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
  /** Runs on the preloaded server. */
  traced: boolean;
  setup(c: ControlClient, filterElf: Uint8Array): Promise<void>;
}

function bpf(engine: 'wasm' | 'jit' | 'interp', label: string): NodePhaseSpec {
  return {
    id: `bpf-${engine}`,
    label,
    traced: true,
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
  { id: 'none', label: 'no preload', traced: false, setup: async () => {} },
  { id: 'disabled', label: 'preload, every event disabled', traced: true, setup: async () => {} },
  {
    id: 'record',
    label: 'every response recorded',
    traced: true,
    setup: (c) => c.write(`${EVENT}/enable`, '1'),
  },
  {
    id: 'predicate',
    label: 'predicate status >= 500',
    traced: true,
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
  /** Requests per run. */
  requests: number;
  /** Runs per phase (interleaved). */
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
  /** Medians over the runs. */
  requestsPerSecond: number;
  cpuNsPerRequest: number;
  /** CPU ns per request over `disabled` (for the traced phases). */
  overheadNs?: number;
  /** Events the filter dropped in the last run, and records written (from the host's stats). */
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
  /** preload with events disabled / no preload (1.0 = no cost). */
  disabledVsNone: { requestsPerSecond: number; cpuNsPerRequest: number };
  /** BPF-filter overhead / predicate overhead, and / recording overhead, per engine. */
  bpfOverPredicate: Record<string, number>;
  bpfOverRecord: Record<string, number>;
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

async function reset(c: ControlClient): Promise<void> {
  await c.write(`${EVENT}/enable`, '0');
  await c.write(`${EVENT}/filter`, '0');
  await c.write('trace', '');
}

async function measure(app: NodeApp, requests: number, concurrency: number): Promise<NodeRun> {
  const cpu0 = processCpuNs(app.pid);
  const load = await generateLoad({ port: app.port, requests, concurrency, path: benchPath });
  const cpu = processCpuNs(app.pid) - cpu0;
  if (load.statuses.get(200) !== requests) throw new Error(`unexpected responses: ${[...load.statuses]}`);
  return { requestsPerSecond: requests / load.seconds, cpuNsPerRequest: cpu / requests };
}

export async function runNodeTable(options: NodeTableOptions): Promise<NodeTableReport> {
  const register = options.register ?? '@tbpf/trace-host/register';
  const elf = compileFilterC(NODE_HTTP_C, 'http_stats.c');
  const start = loadavg();
  const plain = await startNodeApp([]);
  const traced = await startNodeApp(['--import', register]).catch(async (e) => {
    await plain.stop();
    throw e;
  });
  const socket = findControlSocket(traced.pid);
  // A connection per use: the host closes connections idle for a minute, and a run on the
  // plain server can take that long.
  const control = async <T>(fn: (c: ControlClient) => Promise<T>): Promise<T> => {
    if (!socket) throw new Error(`the preloaded server (pid ${traced.pid}) has no control socket`);
    const c = await ControlClient.connect(socket);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  };
  try {
    const runs = new Map<NodePhaseId, NodeRun[]>(NODE_PHASES.map((p) => [p.id, []]));
    const stats = new Map<NodePhaseId, { dropped: number; recorded: number }>();
    const total = NODE_PHASES.length * (options.repeats + 1);
    let done = 0;
    // Round 0 warms every phase up (JIT tiers, connections, maps); it is not counted.
    for (let round = 0; round <= options.repeats; round++) {
      for (const phase of NODE_PHASES) {
        options.progress?.(done++, total, phase.label);
        const app = phase.traced ? traced : plain;
        const before = phase.traced
          ? await control(async (c) => {
              await reset(c);
              await phase.setup(c, elf);
              return counters(c);
            })
          : undefined;
        const run = await measure(app, options.requests, options.concurrency);
        if (round > 0) runs.get(phase.id)?.push(run);
        if (before) {
          const after = await control(counters);
          stats.set(phase.id, {
            dropped: after.filtered - before.filtered,
            recorded: after.written - before.written,
          });
        }
      }
    }
    options.progress?.(total, total, 'done');
    await control(reset);
    const phases: NodePhaseResult[] = NODE_PHASES.map((p) => {
      const r = runs.get(p.id) ?? [];
      return {
        id: p.id,
        label: p.label,
        requestsPerSecond: median(r.map((x) => x.requestsPerSecond)),
        cpuNsPerRequest: median(r.map((x) => x.cpuNsPerRequest)),
        dropped: stats.get(p.id)?.dropped ?? 0,
        recorded: stats.get(p.id)?.recorded ?? 0,
        runs: r,
      };
    });
    const by = new Map(phases.map((p) => [p.id, p]));
    const base = by.get('disabled') as NodePhaseResult;
    for (const p of phases)
      if (p.id !== 'none' && p.id !== 'disabled') p.overheadNs = p.cpuNsPerRequest - base.cpuNsPerRequest;
    const none = by.get('none') as NodePhaseResult;
    const over = (id: NodePhaseId) => by.get(id)?.overheadNs ?? Number.NaN;
    const engines = ['wasm', 'jit', 'interp'] as const;
    return {
      requests: options.requests,
      repeats: options.repeats,
      concurrency: options.concurrency,
      node: process.version,
      loadAverage: { start, end: loadavg() },
      phases,
      disabledVsNone: {
        requestsPerSecond: ratio(base.requestsPerSecond, none.requestsPerSecond),
        cpuNsPerRequest: ratio(base.cpuNsPerRequest, none.cpuNsPerRequest),
      },
      bpfOverPredicate: Object.fromEntries(
        engines.map((e) => [e, ratio(over(`bpf-${e}`), over('predicate'))]),
      ),
      bpfOverRecord: Object.fromEntries(engines.map((e) => [e, ratio(over(`bpf-${e}`), over('record'))])),
    };
  } finally {
    await Promise.all([plain.stop(), traced.stop()]);
  }
}

/** Events the filter dropped so far, and records written to the buffer so far. */
async function counters(c: ControlClient): Promise<{ filtered: number; written: number }> {
  const filtered = /^filtered: (\d+)/m.exec(await c.read(`${EVENT}/stats`))?.[1];
  const written = /^written: (\d+)/m.exec(await c.read('buffer_stats'))?.[1];
  return { filtered: Number(filtered ?? 0), written: Number(written ?? 0) };
}
