/**
 * The control plane over a local Unix socket (Node only), so `tbpf trace --socket PATH` can
 * drive a running process. The socket file is created owner-only (0600).
 *
 * Protocol: frames of a 4-byte big-endian length followed by UTF-8 JSON.
 *   request  { id, op: 'list' | 'read' | 'write' | 'pipe', path?, data?, base64?, max?, timeoutMs? }
 *   response { id, ok: true, data? } | { id, ok: false, code, message, detail? }
 * `pipe` streams `{ id, line }` frames from trace_pipe until `max` lines, `timeoutMs` elapsed,
 * or the client disconnects; then a final `{ id, ok: true, end: true }`.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ControlPlaneError } from './control-plane.js';
import type { TraceHost } from './trace-host.js';

export interface ControlRequest {
  id: number;
  op: 'list' | 'read' | 'write' | 'pipe';
  path?: string;
  data?: string;
  /** `data` is base64 (binary filter objects). */
  base64?: boolean;
  max?: number;
  timeoutMs?: number;
}

export type ControlResponse =
  | { id: number; ok: true; data?: string; end?: boolean }
  | { id: number; ok: false; code: string; message: string; detail?: string }
  | { id: number; line: string };

const MAX_FRAME = 64 * 1024 * 1024;

function frame(obj: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Split a byte stream into JSON frames. */
function frameReader(onFrame: (obj: unknown) => void, onError: (e: Error) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const n = buf.readUInt32BE(0);
      if (n > MAX_FRAME) {
        onError(new Error(`control frame of ${n} bytes exceeds ${MAX_FRAME}`));
        return;
      }
      if (buf.length < 4 + n) return;
      const body = buf.subarray(4, 4 + n);
      buf = buf.subarray(4 + n);
      try {
        onFrame(JSON.parse(body.toString('utf8')));
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  };
}

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Serve `host`'s control plane on a Unix socket at `path` (mode 0600). */
export async function serveControlSocket(host: TraceHost, path: string): Promise<ControlServer> {
  removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    const aborts = new Set<AbortController>();
    sock.on('close', () => {
      sockets.delete(sock);
      for (const a of aborts) a.abort();
    });
    sock.on('error', () => sock.destroy());
    const send = (r: ControlResponse) => {
      if (!sock.destroyed) sock.write(frame(r));
    };
    sock.on(
      'data',
      frameReader(
        (obj) => {
          const req = obj as ControlRequest;
          if (req.op === 'pipe') {
            const ac = new AbortController();
            aborts.add(ac);
            void pipe(host, req, send, ac.signal).finally(() => aborts.delete(ac));
            return;
          }
          send(handle(host, req));
        },
        (e) => {
          send({ id: -1, ok: false, code: 'EINVAL', message: e.message });
          sock.destroy();
        },
      ),
    );
  });
  // Bind with a restrictive umask so the socket is never reachable by others, then make sure.
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // absent: nothing to remove
  }
}

function handle(host: TraceHost, req: ControlRequest): ControlResponse {
  try {
    switch (req.op) {
      case 'list':
        return { id: req.id, ok: true, data: host.control.list(req.path ?? '').join('\n') };
      case 'read':
        return { id: req.id, ok: true, data: host.control.read(req.path ?? '') };
      case 'write': {
        const data = req.base64 ? new Uint8Array(Buffer.from(req.data ?? '', 'base64')) : (req.data ?? '');
        host.control.write(req.path ?? '', data);
        return { id: req.id, ok: true };
      }
      default:
        return { id: req.id, ok: false, code: 'EINVAL', message: `unknown operation '${String(req.op)}'` };
    }
  } catch (e) {
    if (e instanceof ControlPlaneError)
      return { id: req.id, ok: false, code: e.code, message: e.message, detail: e.detail };
    return { id: req.id, ok: false, code: 'EINVAL', message: e instanceof Error ? e.message : String(e) };
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
    sock.on(
      'data',
      frameReader(
        (obj) => {
          const r = obj as ControlResponse;
          const p = this.pending.get(r.id);
          if (!p) return;
          if ('line' in r) p.onLine?.(r.line);
          else {
            this.pending.delete(r.id);
            p.resolve(r);
          }
        },
        (e) => this.fail(e),
      ),
    );
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
      p.resolve({ id, ok: false, code: 'EPIPE', message: e.message });
    }
  }

  private async request(req: Omit<ControlRequest, 'id'>, onLine?: (l: string) => void): Promise<string> {
    if (this.failure) throw new ControlClientError('EPIPE', this.failure.message);
    const id = this.nextId++;
    const r = await new Promise<ControlResponse>((resolve) => {
      this.pending.set(id, { resolve, onLine });
      this.sock.write(frame({ ...req, id }));
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
