/**
 * The control plane over a local Unix socket (Node only), so `tbpf trace --socket PATH` can
 * drive a running process. The socket file is owner-only (0600); see ./control-socket-file.ts for
 * how its path is claimed and released.
 *
 * Protocol: frames of a 4-byte big-endian length followed by UTF-8 JSON (./control-frames.ts).
 *   request  { id, op: 'list' | 'read' | 'write' | 'pipe', path?, data?, base64?, max?, timeoutMs? }
 *            (schema: ./control-request.ts)
 *   response { id, ok: true, data? } | { id, ok: false, code, message, detail? }
 * `pipe` streams `{ id, line }` frames from trace_pipe until `max` lines, `timeoutMs` elapsed,
 * or the client disconnects; then a final `{ id, ok: true, end: true }`.
 *
 * Nothing a client sends can stop the host from serving others: requests are checked against
 * the schema (typed `EINVAL` replies), frames are read in linear time and limited in size, and a
 * connection is closed — with an error frame saying why — when it is idle too long, stalls in
 * the middle of a frame, makes the host buffer too much, does not read its replies, or would
 * exceed the connection limit. Unexpected failures answer `EIO` and go to the host's error_log.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ControlPlaneError } from './control-error.js';
import { encodeFrame, FrameError, FrameReader } from './control-frames.js';
import { type ControlRequest, parseRequest, type RequestError } from './control-request.js';
import { bindOwnerOnly, removeSocketFile } from './control-socket-file.js';
import type { TraceHost } from './trace-host.js';

export type { ControlRequest } from './control-request.js';
export { ControlSocketError } from './control-socket-file.js';

export type ControlResponse =
  | { id: number; ok: true; data?: string; end?: boolean }
  | { id: number; ok: false; code: string; message: string; detail?: string }
  | { id: number; line: string };

export interface ControlSocketOptions {
  /** Largest request frame in bytes (default 16 MiB). */
  maxFrameBytes?: number;
  /** Connections served at once; one more is answered `EBUSY` and closed (default 32). */
  maxConnections?: number;
  /** Close a connection with nothing in flight after this long without traffic (default 60 s). */
  idleTimeoutMs?: number;
  /** A frame must arrive whole within this long once it has started (default 10 s). */
  frameTimeoutMs?: number;
  /** Bytes of incomplete frames held across all connections (default 64 MiB). */
  maxBufferedBytes?: number;
  /** Replies a client has not read yet, per connection (default 16 MiB). */
  maxUnreadBytes?: number;
  /** Do not keep the process alive for the listening socket (a host inside an application). */
  unref?: boolean;
}

const DEFAULTS: Required<ControlSocketOptions> = {
  maxFrameBytes: 16 * 1024 * 1024,
  maxConnections: 32,
  idleTimeoutMs: 60_000,
  frameTimeoutMs: 10_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxUnreadBytes: 16 * 1024 * 1024,
  unref: false,
};

export interface ControlServer {
  readonly path: string;
  /** Stop serving, close every connection and remove the socket file. */
  close(): Promise<void>;
}

/**
 * A trace host, or what makes one when the first request arrives: a preloaded process then
 * loads the trace host only once someone uses its socket (connecting alone does not).
 */
export type HostSource = TraceHost | (() => Promise<TraceHost>);

/**
 * Serve `host`'s control plane on a Unix socket at `path` (mode 0600). Rejects with
 * ControlSocketError when a live process already serves `path` (`EADDRINUSE`) or `path` is not
 * a socket (`EEXIST`); a stale socket is replaced. The file is removed by `close()` and when
 * the process exits.
 */
export async function serveControlSocket(
  host: HostSource,
  path: string,
  options: ControlSocketOptions = {},
): Promise<ControlServer> {
  const limits = { ...DEFAULTS, ...options };
  let made: Promise<TraceHost> | undefined;
  const hostNow = (): Promise<TraceHost> => {
    made ??= typeof host === 'function' ? host() : Promise.resolve(host);
    return made;
  };
  /**
   * Every connection, in order of its last activity (a Map keeps insertion order: a connection
   * is re-inserted when it acts), with what to call to drop it and whether it has work in
   * flight. At the limit, a new connection takes the place of the longest-quiet one that has
   * none (idle, or stalled in the middle of a frame) — so stalled clients cannot lock others
   * out; with every connection busy it is refused.
   */
  const connections = new Map<
    Socket,
    { working: () => boolean; drop: (code: string, message: string) => void }
  >();
  let buffered = 0;
  const makeRoom = (): boolean => {
    if (connections.size < limits.maxConnections) return true;
    for (const [, c] of connections) {
      if (c.working()) continue;
      c.drop('EBUSY', `dropped to make room: the host serves ${limits.maxConnections} connections at most`);
      return true;
    }
    return false;
  };
  const server: Server = createServer((sock) => {
    if (!makeRoom()) {
      sock.end(
        encodeFrame(
          failure(-1, 'EBUSY', `the host serves ${limits.maxConnections} busy connections already`),
        ),
      );
      sock.on('error', () => sock.destroy());
      return;
    }
    const reader = new FrameReader(limits.maxFrameBytes);
    const pipes = new Set<AbortController>();
    // Requests other than pipe are answered in order, one at a time (a filter write may wait
    // for its worker); `busy` counts those not answered yet.
    let queue = Promise.resolve();
    let busy = 0;
    let frameTimer: NodeJS.Timeout | undefined;
    const send = (r: ControlResponse) => {
      if (sock.destroyed) return;
      if (sock.writableLength > limits.maxUnreadBytes) {
        sock.destroy(); // a client that does not read its replies
        return;
      }
      sock.write(encodeFrame(r));
    };
    const drop = (code: string, message: string) => {
      send(failure(-1, code, message));
      sock.end();
      sock.destroy();
      connections.delete(sock);
    };
    const entry = { working: () => busy > 0 || pipes.size > 0, drop };
    connections.set(sock, entry);
    sock.setTimeout(limits.idleTimeoutMs);
    sock.on('timeout', () => {
      if (pipes.size === 0 && busy === 0) drop('ETIMEDOUT', `no request for ${limits.idleTimeoutMs} ms`);
    });
    sock.on('close', () => {
      connections.delete(sock);
      buffered -= reader.buffered;
      clearTimeout(frameTimer);
      for (const a of pipes) a.abort();
    });
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      connections.delete(sock); // most recently active: to the end of the order
      if (!sock.destroyed) connections.set(sock, entry);
      const before = reader.buffered;
      try {
        reader.push(chunk, (frame) => {
          let req: ControlRequest;
          try {
            req = parseRequest(frame);
          } catch (e) {
            const err = e as RequestError;
            send(failure(err.id, err.code, err.message));
            return;
          }
          if (req.op === 'pipe') {
            const ac = new AbortController();
            pipes.add(ac);
            void hostNow()
              .then(
                (h) => pipe(h, req, send, ac.signal),
                (e) => send(unavailable(req, e)),
              )
              .finally(() => pipes.delete(ac));
            return;
          }
          busy++;
          queue = queue.then(async () => {
            send(
              await hostNow().then(
                (h) => handle(h, req),
                (e) => unavailable(req, e),
              ),
            );
            busy--;
          });
        });
      } catch (e) {
        if (!(e instanceof FrameError)) throw e;
        drop(e.code, e.message);
      }
      buffered += reader.buffered - before;
      if (reader.partial && before === 0) {
        frameTimer = setTimeout(
          () => drop('ETIMEDOUT', `a frame did not arrive whole within ${limits.frameTimeoutMs} ms`),
          limits.frameTimeoutMs,
        );
      } else if (!reader.partial) clearTimeout(frameTimer);
      if (buffered > limits.maxBufferedBytes) {
        drop('EBUSY', `the host holds ${limits.maxBufferedBytes} bytes of incomplete requests already`);
      }
    });
  });
  const ino = await bindOwnerOnly(server, path);
  if (limits.unref) server.unref();
  const removeFile = () => removeSocketFile(path, ino);
  process.on('exit', removeFile);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('exit', removeFile);
        for (const s of connections.keys()) s.destroy();
        server.close(() => {
          removeFile();
          resolve();
        });
      }),
  };
}

/** The answer to every request when the host could not be made (its modules failed to load). */
function unavailable(req: ControlRequest, e: unknown): ControlResponse {
  return failure(
    req.id,
    'EIO',
    `the trace host could not start: ${e instanceof Error ? e.message : String(e)}`,
  );
}

function failure(id: number, code: string, message: string, detail?: string): ControlResponse {
  return detail === undefined ? { id, ok: false, code, message } : { id, ok: false, code, message, detail };
}

/** Answer one request; never throws. A BPF filter write is read and verified off the main thread. */
async function handle(host: TraceHost, req: ControlRequest): Promise<ControlResponse> {
  try {
    switch (req.op) {
      case 'list':
        return { id: req.id, ok: true, data: host.control.list(req.path ?? '').join('\n') };
      case 'read':
        return { id: req.id, ok: true, data: host.control.read(req.path ?? '') };
      case 'write': {
        const data = req.base64 ? new Uint8Array(Buffer.from(req.data ?? '', 'base64')) : (req.data ?? '');
        await host.control.writeAsync(req.path ?? '', data);
        return { id: req.id, ok: true };
      }
      case 'pipe':
        throw new Error('internal: pipe requests stream');
    }
  } catch (e) {
    if (e instanceof ControlPlaneError) return failure(req.id, e.code, e.message, e.detail);
    // Not the client's fault: a bug of the host. The client gets a typed error, the detail goes
    // to the host's error_log.
    host.logError(
      'control socket',
      `${req.op} ${req.path ?? ''}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return failure(req.id, 'EIO', `internal error while handling '${req.op}' (see error_log)`);
  }
}

async function pipe(
  host: TraceHost,
  req: ControlRequest,
  send: (r: ControlResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  const max = req.max ?? Number.POSITIVE_INFINITY;
  const deadline = req.timeoutMs === undefined ? undefined : AbortSignal.timeout(req.timeoutMs);
  const stop = deadline ? AbortSignal.any([signal, deadline]) : signal;
  let sent = 0;
  while (!stop.aborted && sent < max) {
    const lines = host.readPipe(max - sent);
    for (const line of lines) send({ id: req.id, line });
    sent += lines.length;
    if (lines.length === 0) await host.waitForData(stop);
  }
  send({ id: req.id, ok: true, end: true });
}

export class ControlClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ControlClientError';
  }
}

/** A connection to a host's control socket. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: ControlResponse) => void; onLine?: (l: string) => void }
  >();
  private failure: Error | null = null;

  private constructor(private readonly sock: Socket) {
    const reader = new FrameReader(Number.MAX_SAFE_INTEGER);
    const onFrame = (obj: unknown) => {
      const r = obj as ControlResponse;
      const p = this.pending.get(r.id);
      if (!p) {
        if (r.id === -1 && 'ok' in r && !r.ok) this.fail(new ControlClientError(r.code, r.message));
        return;
      }
      if ('line' in r) p.onLine?.(r.line);
      else {
        this.pending.delete(r.id);
        p.resolve(r);
      }
    };
    sock.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, onFrame);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('control socket closed')));
  }

  static connect(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const sock = createConnection(path);
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(new ControlClient(sock));
      });
      sock.once('error', reject);
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({
        id,
        ok: false,
        code: e instanceof ControlClientError ? e.code : 'EPIPE',
        message: e.message,
      });
    }
  }

  private async request(req: Omit<ControlRequest, 'id'>, onLine?: (l: string) => void): Promise<string> {
    if (this.failure) {
      const code = this.failure instanceof ControlClientError ? this.failure.code : 'EPIPE';
      throw new ControlClientError(code, this.failure.message);
    }
    const id = this.nextId++;
    const r = await new Promise<ControlResponse>((resolve) => {
      this.pending.set(id, { resolve, onLine });
      this.sock.write(encodeFrame({ ...req, id }));
    });
    if ('ok' in r && r.ok) return r.data ?? '';
    const err = r as { code: string; message: string; detail?: string };
    throw new ControlClientError(err.code, err.message, err.detail);
  }

  async list(path = ''): Promise<string[]> {
    const t = await this.request({ op: 'list', path });
    return t === '' ? [] : t.split('\n');
  }

  read(path: string): Promise<string> {
    return this.request({ op: 'read', path });
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    if (typeof data === 'string') await this.request({ op: 'write', path, data });
    else await this.request({ op: 'write', path, data: Buffer.from(data).toString('base64'), base64: true });
  }

  /** Stream trace_pipe lines until `max` lines or `timeoutMs` have passed. */
  async pipe(
    onLine: (line: string) => void,
    options: { max?: number; timeoutMs?: number } = {},
  ): Promise<void> {
    await this.request({ op: 'pipe', max: options.max, timeoutMs: options.timeoutMs }, onLine);
  }

  close(): void {
    this.sock.end();
    this.sock.destroy();
  }
}
