/**
 * Where each Node event comes from and how its record's fields are read from the JavaScript
 * objects Node hands out: diagnostics_channel messages (http, net, dgram, undici, child
 * processes, workers), perf_hooks (GC entries, the event-loop delay histogram) and process
 * events. A source is watched only while its event is enabled: `watch(emit)` subscribes and
 * returns the function that unsubscribes, so a disabled event costs nothing at all.
 *
 * emit(a0, a1): a0 is the channel's message (or the perf entry / process event's value), a1 what
 * the source adds — the start of the request for durations. Field getters take (a0, a1).
 */
import dc from 'node:diagnostics_channel';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

export type NodeEmit = (a0: unknown, a1?: unknown) => void;
export type FieldGetter = (a0: never, a1: never) => unknown;

export interface NodeEventSource {
  /** The diagnostics channel(s), perf_hooks type or process event it watches (for the docs). */
  origin: string;
  /** A getter per field of `struct node_<event>` in <tbpf/node.h>. */
  fields: Record<string, FieldGetter>;
  watch(emit: NodeEmit, options: NodeSourceOptions): () => void;
}

export interface NodeSourceOptions {
  /** event_loop_delay: how often a record is emitted (ms, default 1000). */
  loopDelayIntervalMs?: number;
}

// ── the objects Node publishes (only what the getters read) ─────────────────────────────────

type Headers = Record<string, string | string[] | undefined>;
interface Sock {
  remoteAddress?: string;
  remotePort?: number;
  localPort?: number;
  remoteFamily?: string;
  bytesWritten?: number;
  once?(event: 'connect', fn: () => void): void;
}
interface ClientRequest {
  method?: string;
  host?: string;
  path?: string;
  protocol?: string;
  getHeader?(name: string): unknown;
}
interface IncomingMessage {
  method?: string;
  url?: string;
  statusCode?: number;
  headers?: Headers;
}
interface ServerResponse {
  statusCode?: number;
}
interface HttpClientMsg {
  request: ClientRequest;
  response?: IncomingMessage;
  error?: { code?: string; name?: string; message?: string };
}
interface HttpServerMsg {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Sock;
}
interface UndiciMsg {
  request: { method?: string; origin?: string | URL; path?: string };
  response?: { statusCode?: number };
  error?: { code?: string; name?: string };
}
interface Child {
  pid?: number;
  spawnfile?: string;
  spawnargs?: string[];
  once?(event: 'spawn', fn: () => void): void;
}
/** What a source remembers from the start of a request. */
interface Start {
  t: number;
  bytes: number;
}

const nowNs = () => performance.now() * 1e6;
const sinceNs = (s: Start | undefined) => (s ? Math.max(0, Math.round(nowNs() - s.t)) : 0);
const family = (f: string | undefined) => (f === 'IPv6' ? 6 : f === 'IPv4' ? 4 : 0);
const errorName = (e: HttpClientMsg['error']) => e?.code ?? e?.name ?? '';
const number = (v: unknown) => {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/** A ClientRequest's port: from its Host header, else the protocol's default. */
function clientPort(r: ClientRequest): number {
  const host = r.getHeader?.('host');
  const m = typeof host === 'string' ? /:(\d+)$/.exec(host) : null;
  if (m) return Number(m[1]);
  return r.protocol === 'https:' ? 443 : 80;
}

/** Subscribe to diagnostics channels; returns the unsubscriber. */
function channels(subs: Record<string, (message: never) => void>): () => void {
  const list = Object.entries(subs) as [string, (m: unknown) => void][];
  for (const [name, fn] of list) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of list) dc.unsubscribe(name, fn);
  };
}

/** A channel whose message is the record's source as is. */
function channel(name: string): NodeEventSource['watch'] {
  return (emit) => channels({ [name]: (m: unknown) => emit(m) });
}

/**
 * A channel whose records need the request's start: `start` remembers it (per request object,
 * in a WeakMap that lives while the event is enabled), `end` emits (message, start).
 */
function timed<M>(start: string, end: string, key: (m: M) => object, bytes?: (m: M) => number) {
  return (emit: NodeEmit) => {
    const starts = new WeakMap<object, Start>();
    return channels({
      [start]: (m: M) => starts.set(key(m), { t: nowNs(), bytes: bytes?.(m) ?? 0 }),
      [end]: (m: M) => emit(m, starts.get(key(m))),
    });
  };
}

/** A process event, listened to while enabled. */
function processEvent(name: 'uncaughtExceptionMonitor' | 'warning' | 'exit'): NodeEventSource['watch'] {
  return (emit) => {
    const fn = (a0: unknown, a1?: unknown) => emit(a0, a1);
    process.on(name, fn);
    return () => {
      process.off(name, fn);
    };
  };
}

const httpClient = {
  method: (m: HttpClientMsg) => m.request.method,
  host: (m: HttpClientMsg) => m.request.host,
  path: (m: HttpClientMsg) => m.request.path,
  port: (m: HttpClientMsg) => clientPort(m.request),
};
const httpServer = {
  method: (m: HttpServerMsg) => m.request.method,
  url: (m: HttpServerMsg) => m.request.url,
  remote_addr: (m: HttpServerMsg) => m.socket.remoteAddress,
  remote_port: (m: HttpServerMsg) => m.socket.remotePort,
};
const socketFields = {
  remote_addr: (s: Sock) => s.remoteAddress,
  remote_port: (s: Sock) => s.remotePort,
  local_port: (s: Sock) => s.localPort,
  family: (s: Sock) => family(s.remoteFamily),
};
const undici = {
  method: (m: UndiciMsg) => m.request.method,
  origin: (m: UndiciMsg) => String(m.request.origin ?? ''),
  path: (m: UndiciMsg) => m.request.path,
};

export const NODE_EVENT_SOURCES: Record<string, NodeEventSource> = {
  http_client_request_start: {
    origin: 'diagnostics_channel http.client.request.start',
    fields: httpClient,
    watch: channel('http.client.request.start'),
  },
  http_client_request_error: {
    origin: 'diagnostics_channel http.client.request.error',
    fields: { ...httpClient, error: (m: HttpClientMsg) => errorName(m.error) },
    watch: channel('http.client.request.error'),
  },
  http_client_response_finish: {
    origin: 'diagnostics_channel http.client.request.start → http.client.response.finish',
    fields: {
      ...httpClient,
      duration_ns: (_m: HttpClientMsg, s: Start | undefined) => sinceNs(s),
      content_length: (m: HttpClientMsg) => number(m.response?.headers?.['content-length']),
      status: (m: HttpClientMsg) => m.response?.statusCode,
    },
    watch: timed('http.client.request.start', 'http.client.response.finish', (m: HttpClientMsg) => m.request),
  },
  http_server_request_start: {
    origin: 'diagnostics_channel http.server.request.start',
    fields: {
      ...httpServer,
      content_length: (m: HttpServerMsg) => number(m.request.headers?.['content-length']),
      local_port: (m: HttpServerMsg) => m.socket.localPort,
    },
    watch: channel('http.server.request.start'),
  },
  http_server_response_finish: {
    origin: 'diagnostics_channel http.server.request.start → http.server.response.finish',
    fields: {
      ...httpServer,
      duration_ns: (_m: HttpServerMsg, s: Start | undefined) => sinceNs(s),
      bytes: (m: HttpServerMsg, s: Start | undefined) =>
        s ? Math.max(0, (m.socket.bytesWritten ?? 0) - s.bytes) : 0,
      status: (m: HttpServerMsg) => m.response.statusCode,
    },
    watch: timed(
      'http.server.request.start',
      'http.server.response.finish',
      (m: HttpServerMsg) => m.request,
      (m: HttpServerMsg) => m.socket.bytesWritten ?? 0,
    ),
  },
  net_client_socket: {
    origin: "diagnostics_channel net.client.socket, then the socket's 'connect'",
    fields: socketFields,
    watch: (emit) =>
      channels({
        'net.client.socket': ({ socket }: { socket: Sock }) => socket.once?.('connect', () => emit(socket)),
      }),
  },
  net_server_socket: {
    origin: 'diagnostics_channel net.server.socket',
    fields: socketFields,
    watch: (emit) => channels({ 'net.server.socket': ({ socket }: { socket: Sock }) => emit(socket) }),
  },
  udp_socket: {
    origin: 'diagnostics_channel udp.socket',
    fields: { type: (m: { socket: { type?: string } }) => m.socket.type },
    watch: channel('udp.socket'),
  },
  undici_request_create: {
    origin: 'diagnostics_channel undici:request:create',
    fields: undici,
    watch: channel('undici:request:create'),
  },
  undici_request_headers: {
    origin: 'diagnostics_channel undici:request:create → undici:request:headers',
    fields: {
      ...undici,
      duration_ns: (_m: UndiciMsg, s: Start | undefined) => sinceNs(s),
      status: (m: UndiciMsg) => m.response?.statusCode,
    },
    watch: timed('undici:request:create', 'undici:request:headers', (m: UndiciMsg) => m.request),
  },
  undici_request_trailers: {
    origin: 'diagnostics_channel undici:request:create → undici:request:trailers',
    fields: { ...undici, duration_ns: (_m: UndiciMsg, s: Start | undefined) => sinceNs(s) },
    watch: timed('undici:request:create', 'undici:request:trailers', (m: UndiciMsg) => m.request),
  },
  undici_request_error: {
    origin: 'diagnostics_channel undici:request:error',
    fields: { ...undici, error: (m: UndiciMsg) => errorName(m.error) },
    watch: channel('undici:request:error'),
  },
  child_process: {
    origin: "diagnostics_channel child_process, then the child's 'spawn'",
    fields: {
      child_pid: (c: Child) => c.pid ?? 0,
      file: (c: Child) => c.spawnfile,
      args: (c: Child) => c.spawnargs?.join(' '),
    },
    // The channel publishes the ChildProcess before it spawns; its pid is known at 'spawn'.
    watch: (emit) =>
      channels({ child_process: ({ process: c }: { process: Child }) => c.once?.('spawn', () => emit(c)) }),
  },
  worker_threads: {
    origin: 'diagnostics_channel worker_threads',
    fields: { thread_id: (m: { worker: { threadId?: number } }) => m.worker.threadId },
    watch: channel('worker_threads'),
  },
  gc: {
    origin: "perf_hooks PerformanceObserver 'gc'",
    fields: {
      duration_ns: (e: { duration: number }) => Math.round(e.duration * 1e6),
      kind: (e: { detail?: { kind?: number } }) => e.detail?.kind,
      flags: (e: { detail?: { flags?: number } }) => e.detail?.flags,
    },
    watch: (emit) => {
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) emit(e);
      });
      obs.observe({ entryTypes: ['gc'] });
      return () => obs.disconnect();
    },
  },
  event_loop_delay: {
    origin: 'perf_hooks monitorEventLoopDelay, one record per interval',
    fields: {
      min_ns: (h: Histogram) => h.min,
      max_ns: (h: Histogram) => h.max,
      mean_ns: (h: Histogram) => Math.round(h.mean),
      stddev_ns: (h: Histogram) => Math.round(h.stddev),
      p50_ns: (h: Histogram) => h.percentile(50),
      p99_ns: (h: Histogram) => h.percentile(99),
      samples: (h: Histogram) => h.count,
    },
    watch: (emit, options) => {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const timer = setInterval(() => {
        if (h.count > 0) emit(h);
        h.reset();
      }, options.loopDelayIntervalMs ?? 1000);
      timer.unref();
      return () => {
        clearInterval(timer);
        h.disable();
      };
    },
  },
  uncaught_exception: {
    origin: "process 'uncaughtExceptionMonitor'",
    fields: {
      name: (e: unknown) => (e instanceof Error ? e.name : typeof e),
      message: (e: unknown) => (e instanceof Error ? e.message : String(e)),
      origin: (_e: unknown, origin: unknown) => origin,
    },
    watch: processEvent('uncaughtExceptionMonitor'),
  },
  warning: {
    origin: "process 'warning'",
    fields: {
      name: (w: Error & { code?: string }) => w.name,
      code: (w: Error & { code?: string }) => w.code,
      message: (w: Error & { code?: string }) => w.message,
    },
    watch: processEvent('warning'),
  },
  exit: {
    origin: "process 'exit'",
    fields: { code: (code: unknown) => code },
    watch: processEvent('exit'),
  },
};

interface Histogram {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  count: number;
  percentile(p: number): number;
}
