/**
 * The control-socket campaign: a live host (a child process serving its control plane while
 * events flow) against hostile clients — malformed frames and requests, oversized and
 * truncated frames, clients that stall mid-frame, connection floods, hostile but well-formed
 * writes (garbage predicates and programs, deep nesting). After every round a well-behaved
 * client must be answered (within 10 s; how many within a second, and the round trips, are
 * counted: on a loaded machine a second can pass between a process's turns on a CPU), and at
 * the end the host must still be running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { createNetsim } from '@tbpf/demo/netsim';
import { seededRandom } from '@tbpf/isa/testing';
import { ControlClient, encodeFrame, serveControlSocket } from '@tbpf/trace-host';

/** The host side (hidden command `control-host`): netsim traffic and the control socket. */
export async function controlHost(socketPath: string): Promise<void> {
  const net = createNetsim();
  await serveControlSocket(net.host, socketPath, {
    frameTimeoutMs: 500,
    idleTimeoutMs: 2000,
    maxConnections: 48,
    maxFrameBytes: 1 << 20,
  });
  net.host.write('events/skb/kfree_skb/enable', '1');
  setInterval(() => {
    for (const d of net.devices) net.kfree_skb(net.netdev_alloc_skb(d, 60 + d.ifindex));
    net.host.readPipe(); // keep the buffer moving
  }, 5);
  process.stdout.write('ready\n');
}

export interface ControlCampaignReport {
  requests: number;
  stalledClients: number;
  rounds: number;
  /** Rounds after which a well-behaved client was answered within a second (PROMPT_MS). */
  healthy: number;
  /** The well-behaved client's round trips in ms: median, 99th percentile, slowest. */
  answerMs: { median: number; p99: number; max: number };
  /** Rounds answered, but after more than a second (with the time); a failure only past LIMIT_MS. */
  late: string[];
  /** The machine's load average (1 min) at the start and at the end. */
  load: [number, number];
  /** Replies by code (`ok` for successes). */
  replies: Record<string, number>;
  hostAlive: boolean;
  hostRssMiB: number;
  failures: string[];
}

/** One hostile action: bytes to send on a fresh connection, and whether to leave it open (stalled). */
type Attack = { bytes: Buffer; stall: boolean; kind: string };

function attacks(rnd: () => number): Attack {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const frames = (...objs: unknown[]) => Buffer.concat(objs.map((o) => encodeFrame(o)));
  const value = (): unknown =>
    pick([
      null,
      true,
      -1,
      2 ** 53,
      5_000_000_000,
      'x'.repeat(int(100)),
      [],
      {},
      [1, 'a'],
      { op: 'list' },
      1.5,
      '',
    ]);
  const r = rnd();
  if (r < 0.25) {
    const req: Record<string, unknown> = {};
    for (const k of ['id', 'op', 'path', 'data', 'base64', 'max', 'timeoutMs', 'extra'])
      if (rnd() < 0.6) req[k] = value();
    if (rnd() < 0.5) req.op = pick(['list', 'read', 'write', 'pipe', 'rm']);
    if (rnd() < 0.5) req.id = int(1000);
    return { bytes: frames(req), stall: false, kind: 'malformed request' };
  }
  if (r < 0.35) {
    const body = Buffer.from(Array.from({ length: int(200) }, () => int(256)));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    return { bytes: Buffer.concat([head, body]), stall: false, kind: 'bytes that are not JSON' };
  }
  if (r < 0.42) {
    const head = Buffer.alloc(4);
    head.writeUInt32BE((pick([1 << 20, 0xfffffff0, (1 << 20) + 1, 64 << 20]) + int(10)) >>> 0);
    return { bytes: head, stall: false, kind: 'oversized frame' };
  }
  if (r < 0.55) {
    const f = frames({ id: 1, op: 'write', path: 'trace', data: 'x'.repeat(int(50_000)) });
    return { bytes: f.subarray(0, 1 + int(f.length - 1)), stall: true, kind: 'stalled mid-frame' };
  }
  if (r < 0.8) {
    const path = pick([
      'events/skb/kfree_skb/filter',
      'kprobe_events',
      'events/skb/kfree_skb/enable',
      'tracing_on',
      'maps/nope',
      '../../etc/passwd',
      'x'.repeat(4096),
    ]);
    const data = pick([
      `${'('.repeat(20_000)}len > 1`,
      'name ~ "[z-a]"',
      '#!bpf asm\nr0 = *(u64 *)(r1 + 4096)\nexit\n',
      '#!bpf asm\nl:\nja l\n',
      '#!bpf c\nint f(void *c) { return c[9]; }\n',
      `p:x f a=${'+0('.repeat(5000)}%di${')'.repeat(5000)}`,
      '#!bpf raw\n\u00ff\u00ff\u00ff\u00ff',
      '2',
      '',
    ]);
    return { bytes: frames({ id: int(100), op: 'write', path, data }), stall: false, kind: 'hostile write' };
  }
  if (r < 0.9) {
    return {
      bytes: frames(
        { id: 7, op: 'pipe', max: 1 + int(3), timeoutMs: int(50) },
        { id: 8, op: 'read', path: 'trace' },
      ),
      stall: false,
      kind: 'pipe and read',
    };
  }
  return {
    bytes: frames(
      ...Array.from({ length: 20 }, (_, i) => ({
        id: i,
        op: 'read',
        path: pick(['trace', 'nope', 'events']),
      })),
    ),
    stall: false,
    kind: 'burst',
  };
}

/** Send `bytes` on a new connection; collect reply codes until the server closes or `ms` pass. */
function attack(
  socketPath: string,
  a: Attack,
  ms: number,
  codes: Record<string, number>,
): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const sock = createConnection(socketPath);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = buf.readUInt32BE(0);
        const r = JSON.parse(buf.subarray(4, 4 + n).toString()) as {
          ok?: boolean;
          code?: string;
          line?: string;
        };
        const code = r.ok ? 'ok' : (r.code ?? (r.line !== undefined ? 'line' : 'ok'));
        codes[code] = (codes[code] ?? 0) + 1;
        buf = buf.subarray(4 + n);
      }
    });
    sock.on('error', () => {});
    sock.once('connect', () => {
      sock.write(a.bytes);
      if (a.stall) resolve(sock);
      else
        setTimeout(() => {
          sock.destroy();
          resolve(undefined);
        }, ms);
    });
    sock.once('close', () => resolve(undefined));
  });
}

/** A round's well-behaved client must be answered within this; PROMPT_MS is the goal, counted. */
const LIMIT_MS = 10_000;
const PROMPT_MS = 1000;

/**
 * A well-behaved client's round trip: its time in ms, or what went wrong (an error, or no
 * answer within `LIMIT_MS`).
 */
async function wellBehaved(socketPath: string): Promise<{ ms: number; problem?: string }> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((r) => {
    timer = setTimeout(() => r(`no answer within ${LIMIT_MS} ms`), LIMIT_MS);
  });
  const check = (async () => {
    const c = await ControlClient.connect(socketPath);
    try {
      const events = await c.list('events/skb');
      if (!events.includes('kfree_skb')) return `unexpected listing ${events.join(',')}`;
      await c.read('events/skb/kfree_skb/format');
      return undefined;
    } finally {
      c.close();
    }
  })().catch((e: Error) => e.message);
  const problem = await Promise.race([check, timeout]);
  clearTimeout(timer);
  return { ms: performance.now() - start, ...(problem === undefined ? {} : { problem }) };
}

export async function runControlCampaign(o: {
  requests: number;
  seed: number;
  script: string;
  socketPath: string;
  progress?: (done: number) => void;
}): Promise<ControlCampaignReport> {
  const host: ChildProcess = spawn(process.execPath, [o.script, 'control-host', o.socketPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  host.on('exit', () => {
    exited = true;
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the host did not start')), 60_000);
    host.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const rnd = seededRandom(o.seed);
  const report: ControlCampaignReport = {
    requests: 0,
    stalledClients: 0,
    rounds: 0,
    healthy: 0,
    answerMs: { median: 0, p99: 0, max: 0 },
    late: [],
    load: [loadavg()[0], 0],
    replies: {},
    hostAlive: true,
    hostRssMiB: 0,
    failures: [],
  };
  const stalled: Socket[] = [];
  const times: number[] = [];
  try {
    while (report.requests < o.requests && !exited) {
      // A round: 50 hostile clients at once, some of them stalling, then a health check.
      const round = Array.from({ length: 50 }, () => attacks(rnd));
      const opened = await Promise.all(round.map((a) => attack(o.socketPath, a, 100, report.replies)));
      for (const s of opened) if (s) stalled.push(s);
      report.stalledClients += opened.filter(Boolean).length;
      report.requests += round.length;
      report.rounds++;
      const answer = await wellBehaved(o.socketPath);
      times.push(answer.ms);
      if (answer.problem !== undefined) report.failures.push(`round ${report.rounds}: ${answer.problem}`);
      else if (answer.ms <= PROMPT_MS) report.healthy++;
      else report.late.push(`round ${report.rounds}: answered after ${Math.round(answer.ms)} ms`);
      // Keep at most 40 stalled clients open at a time (the host drops them on its own too).
      while (stalled.length > 40) stalled.shift()?.destroy();
      o.progress?.(report.requests);
    }
  } finally {
    for (const s of stalled) s.destroy();
    report.hostAlive = !exited;
    if (!exited && host.pid) {
      const status = readFileSync(`/proc/${host.pid}/status`, 'utf8');
      report.hostRssMiB = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    }
    host.kill('SIGKILL');
    report.load[1] = loadavg()[0];
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
    report.answerMs = { median: at(0.5), p99: at(0.99), max: at(1) };
  }
  if (exited) report.failures.push('the host process died');
  return report;
}

export function controlCampaignText(r: ControlCampaignReport): string {
  const replies = Object.entries(r.replies)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return `${[
    `${r.requests.toLocaleString('en')} hostile clients against a live host (${r.stalledClients} left stalled mid-frame), in ${r.rounds} rounds:`,
    `  a well-behaved client answered within 1 s after ${r.healthy} of ${r.rounds} rounds, within ${LIMIT_MS / 1000} s after ${r.healthy + r.late.length}`,
    `  its round trip: median ${r.answerMs.median} ms, 99th percentile ${r.answerMs.p99} ms, slowest ${r.answerMs.max} ms (load average ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)})`,
    `  host alive at the end: ${r.hostAlive ? 'yes' : 'NO'} (RSS ${r.hostRssMiB} MiB)`,
    `  replies: ${replies}`,
    ...r.late.slice(0, 20).map((f) => `  late: ${f}`),
    ...r.failures.slice(0, 20).map((f) => `  ${f}`),
  ].join('\n')}\n`;
}
