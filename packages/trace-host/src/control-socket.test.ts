import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './control-frames.js';
import {
  ControlClient,
  ControlClientError,
  type ControlServer,
  type ControlSocketOptions,
  serveControlSocket,
} from './control-socket.js';
import { netHost } from './testing/netsim.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tempSocket = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-sock-')), 'ctl.sock');

/** A client that sends raw bytes and collects every frame the server answers until it closes. */
class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;
  private readonly reader = new FrameReader(1 << 30);

  private constructor(readonly sock: Socket) {
    sock.on('data', (c: Buffer) =>
      this.reader.push(c, (f) => this.frames.push(f as Record<string, unknown>)),
    );
    this.closed = new Promise((resolve) => sock.on('close', () => resolve()));
    sock.on('error', () => {});
  }

  static connect(socketPath: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = createConnection(socketPath);
      sock.once('connect', () => resolve(new RawClient(sock)));
      sock.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.sock.write(encodeFrame(frame));
  }

  /** The reply to request `id` (waits for it). */
  async reply(id: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 500; i++) {
      const f = this.frames.find((x) => x.id === id && 'ok' in x);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no reply to ${id}`);
  }
}

async function withServer(
  options: ControlSocketOptions,
  body: (socketPath: string, server: ControlServer) => Promise<void>,
): Promise<void> {
  const { host } = netHost();
  const socketPath = tempSocket();
  const server = await serveControlSocket(host, socketPath, options);
  try {
    await body(socketPath, server);
  } finally {
    await server.close();
  }
}

/** A live client still gets answers. */
async function stillServes(socketPath: string): Promise<void> {
  const c = await ControlClient.connect(socketPath);
  try {
    expect(await c.list('events/skb')).toEqual(['enable', 'kfree_skb']);
  } finally {
    c.close();
  }
}

describe('control socket', () => {
  it('serves the control plane owner-only, with errors, binary writes and a streaming trace_pipe', async () => {
    const { host, devices, net, kfreeSkb } = netHost();
    const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-sock-'));
    const sock = path.join(dir, 'ctl.sock');
    writeFileSync(path.join(dir, 'unrelated'), 'x');
    const server = await serveControlSocket(host, sock);
    const client = await ControlClient.connect(sock);
    try {
      expect(statSync(sock).mode & 0o777).toBe(0o600);
      expect(await client.list('events/skb')).toEqual(['enable', 'kfree_skb']);
      await client.write('events/skb/kfree_skb/enable', '1');
      expect(kfreeSkb.enabled).toBe(true);
      const err = await client.read('events/skb/nope/id').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ControlClientError);
      expect((err as ControlClientError).code).toBe('ENOENT');
      const perr = await client.write('events/skb/kfree_skb/filter', 'len >> 3').catch((e: unknown) => e);
      expect((perr as ControlClientError).detail).toBe('len >> 3\n    ^\nparse_error: Invalid operator\n');
      // A program as bytes (base64 on the wire): r0 = 1; exit.
      const keep = new Uint8Array([0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
      await client.write(
        'events/skb/kfree_skb/filter',
        new Uint8Array([...new TextEncoder().encode('#!bpf raw\n'), ...keep]),
      );
      expect(await client.read('events/skb/kfree_skb/filter')).toMatch(/^bpf: raw, 2 insns/);

      const lines: string[] = [];
      const streaming = client.pipe((l) => lines.push(l), { max: 3, timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 20));
      for (const d of devices.slice(0, 3)) net.kfree_skb(net.netdev_alloc_skb(d, 7));
      await streaming;
      expect(lines.map((l) => l.replace(/.*name=(\S+).*/, '$1'))).toEqual(['lo', 'eth0', 'eth1']);
      const timed = Date.now();
      await client.pipe(() => {}, { timeoutMs: 50 });
      expect(Date.now() - timed).toBeGreaterThanOrEqual(40);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('answers malformed requests with typed errors and keeps serving the connection', async () => {
    await withServer({}, async (socketPath) => {
      const c = await RawClient.connect(socketPath);
      const bad: [unknown, RegExp][] = [
        [null, /must be a JSON object/],
        [[1, 2], /must be a JSON object/],
        [{ op: 'list' }, /id must be a non-negative integer/],
        [{ id: 1.5, op: 'list' }, /id must be/],
        [{ id: 2, op: 'rm' }, /op must be one of list, read, write, pipe/],
        [{ id: 3, op: null }, /op must be one of/],
        [{ id: 4, op: 'read' }, /'read' needs path/],
        [{ id: 5, op: 'read', path: 7 }, /path must be a string/],
        [{ id: 6, op: 'write', path: 'trace', data: 3 }, /data must be a string/],
        [{ id: 7, op: 'write', path: 'x', data: '@@', base64: true }, /not base64/],
        [{ id: 8, op: 'pipe', timeoutMs: 5_000_000_000 }, /timeoutMs must be an integer in 0\.\.2147483647/],
        [{ id: 9, op: 'pipe', timeoutMs: -1 }, /timeoutMs/],
        [{ id: 10, op: 'pipe', max: 0 }, /max must be a positive integer/],
        [{ id: 11, op: 'list', path: 'events', extra: 1 }, /takes no field 'extra'/],
        [{ id: 12, op: 'read', path: 'a\u0000b' }, /NUL/],
        [{ id: 13, op: 'read', path: 'x'.repeat(5000) }, /longer than 4096/],
      ];
      for (const [frame] of bad) c.send(frame);
      c.send({ id: 100, op: 'list', path: 'events/skb' });
      expect(await c.reply(100)).toEqual({ id: 100, ok: true, data: 'enable\nkfree_skb' });
      const errors = c.frames.filter((f) => f.ok === false);
      expect(errors).toHaveLength(bad.length);
      bad.forEach(([, message], i) => {
        expect(errors[i]).toMatchObject({
          ok: false,
          code: 'EINVAL',
          message: expect.stringMatching(message),
        });
      });
      // Only the schema's own words: no internal JavaScript message leaks.
      for (const e of errors)
        expect(String(e.message)).not.toMatch(/Cannot read|is not a function|undefined/);
      c.sock.destroy();
    });
  });

  it('closes a connection that sends a frame over the limit or not JSON; others are served', async () => {
    await withServer({ maxFrameBytes: 1024 }, async (socketPath) => {
      const big = await RawClient.connect(socketPath);
      big.send({ id: 1, op: 'write', path: 'trace', data: 'x'.repeat(2000) });
      await big.closed;
      expect(big.frames).toEqual([
        { id: -1, ok: false, code: 'E2BIG', message: expect.stringMatching(/exceeds the limit of 1024/) },
      ]);
      const junk = await RawClient.connect(socketPath);
      junk.sock.write(Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]));
      await junk.closed;
      expect(junk.frames[0]).toMatchObject({ code: 'EBADMSG' });
      await stillServes(socketPath);
    });
  });

  it('drops stalled and idle connections', async () => {
    await withServer({ frameTimeoutMs: 150, idleTimeoutMs: 300 }, async (socketPath) => {
      const stalled = await RawClient.connect(socketPath);
      stalled.sock.write(encodeFrame({ id: 1, op: 'list' }).subarray(0, 9)); // half a frame, then nothing
      const idle = await RawClient.connect(socketPath);
      await stalled.closed;
      expect(stalled.frames[0]).toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/whole/) });
      await stillServes(socketPath);
      await idle.closed;
      expect(idle.frames[0]).toMatchObject({
        code: 'ETIMEDOUT',
        message: expect.stringMatching(/no request/),
      });
    });
  });

  it('makes room for a new connection at the limit by dropping a quiet one', async () => {
    await withServer({ maxConnections: 3 }, async (socketPath) => {
      const stalled = await RawClient.connect(socketPath);
      stalled.sock.write(encodeFrame({ id: 1, op: 'list' }).subarray(0, 9));
      const idle = await RawClient.connect(socketPath);
      const streaming = await RawClient.connect(socketPath);
      streaming.send({ id: 3, op: 'pipe', timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 50));
      const fourth = await RawClient.connect(socketPath);
      fourth.send({ id: 5, op: 'list', path: 'events/skb' });
      expect(await fourth.reply(5)).toMatchObject({ ok: true });
      // One of the quiet ones went; the one with a pipe in flight stayed.
      await Promise.race([stalled.closed, idle.closed]);
      const dropped = [stalled, idle].find((c) => c.sock.destroyed || c.frames.length > 0);
      expect(dropped?.frames[0]).toMatchObject({
        code: 'EBUSY',
        message: expect.stringMatching(/make room/),
      });
      expect(streaming.sock.destroyed).toBe(false);
      for (const c of [stalled, idle, streaming, fourth]) c.sock.destroy();
    });
  });

  it('refuses a connection only when every connection has work in flight', async () => {
    await withServer({ maxConnections: 2 }, async (socketPath) => {
      const a = await RawClient.connect(socketPath);
      const b = await RawClient.connect(socketPath);
      a.send({ id: 1, op: 'pipe', timeoutMs: 5000 });
      b.send({ id: 2, op: 'pipe', timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 50));
      const c = await RawClient.connect(socketPath);
      await c.closed;
      expect(c.frames[0]).toMatchObject({
        code: 'EBUSY',
        message: expect.stringMatching(/busy connections/),
      });
      a.sock.destroy();
      b.sock.destroy();
    });
  });

  it('bounds the bytes held for incomplete frames across connections', async () => {
    await withServer({ maxBufferedBytes: 100_000, frameTimeoutMs: 60_000 }, async (socketPath) => {
      const clients = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(socketPath)));
      const frame = encodeFrame({ id: 1, op: 'write', path: 'trace', data: 'x'.repeat(60_000) });
      for (const c of clients) c.sock.write(frame.subarray(0, 40_000));
      const closed = await Promise.race([
        Promise.any(clients.map((c) => c.closed.then(() => c))),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000)),
      ]);
      expect(closed?.frames[0]).toMatchObject({ code: 'EBUSY' });
      await stillServes(socketPath);
      for (const c of clients) c.sock.destroy();
    });
  });

  it('refuses to take over a socket a live process serves, replaces a stale one, leaves other files alone', async () => {
    const { host } = netHost();
    const socketPath = tempSocket();
    const first = await serveControlSocket(host, socketPath);
    try {
      await expect(serveControlSocket(host, socketPath)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await stillServes(socketPath); // the first server is still reachable
    } finally {
      await first.close();
    }
    expect(existsSync(socketPath)).toBe(false); // close() removes its own file

    // A stale socket: a socket file no process listens on.
    const dir = path.dirname(socketPath);
    const other = createServer();
    await new Promise<void>((r) => other.listen(path.join(dir, 'dead.sock'), r));
    const { linkSync } = await import('node:fs');
    linkSync(path.join(dir, 'dead.sock'), socketPath);
    await new Promise<void>((r) => other.close(() => r()));
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    const second = await serveControlSocket(host, socketPath);
    await stillServes(socketPath);
    await second.close();

    const file = path.join(dir, 'not-a-socket');
    writeFileSync(file, 'keep me');
    await expect(serveControlSocket(host, file)).rejects.toMatchObject({ code: 'EEXIST' });
    const link = path.join(dir, 'link.sock');
    symlinkSync(file, link);
    await expect(serveControlSocket(host, link)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(statSync(file).mode & 0o777).not.toBe(0o600);
  });

  it('leaves no temporary directory next to the socket', async () => {
    await withServer({}, async (socketPath) => {
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(path.dirname(socketPath))).toEqual(['ctl.sock']);
    });
  });

  it('removes its socket file when the process exits without closing it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-exit-'));
    const socketPath = path.join(dir, 'ctl.sock');
    const script = path.join(dir, 'serve.ts');
    writeFileSync(
      script,
      `import { serveControlSocket } from ${JSON.stringify(path.join(here, 'control-socket.ts'))};
import { netHost } from ${JSON.stringify(path.join(here, 'testing/netsim.ts'))};
await serveControlSocket(netHost().host, process.argv[2]);
process.stdout.write('ready\\n');
process.stdin.once('data', () => process.exit(0));
`,
    );
    const esbuild = await import('esbuild');
    const bundle = path.join(dir, 'serve.mjs');
    await esbuild.build({
      entryPoints: [script],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      outfile: bundle,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    const child = spawn(process.execPath, [bundle, socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    child.stdin.write('x');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(socketPath)).toBe(false);
  }, 60_000);
});
