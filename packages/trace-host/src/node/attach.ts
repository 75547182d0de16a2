/**
 * `tbpf trace attach PID`: start a trace host inside a Node.js process that was started
 * without the preload, through Node's inspector (Linux):
 *
 * 1. refuse a process of another user, a process that is not Node.js, and one that does not
 *    handle SIGUSR1 (its inspector is disabled — `--disable-sigusr1`, the permission model — and
 *    the signal would kill it);
 * 2. a process that already has a control socket needs nothing;
 * 3. send SIGUSR1, which opens the inspector on the loopback interface, and find its port
 *    among the process's new listening sockets (/proc/<pid>/fd × /proc/<pid>/net/tcp{,6}), so no
 *    request goes to the application's own servers; an inspector the command line opened
 *    (--inspect) is used as it is;
 * 4. through the inspector, load the host module (./attach-entry.ts, by way of
 *    attach-loader.cjs) — it serves the control socket as a preloaded host does;
 * 5. close the inspector again (only if this attach opened it) and check its port is gone.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import type { AttachedHost } from './attach-entry.js';
import { isAlive, servedControlSocket } from './socket-dir.js';

export type AttachErrorCode = 'ESRCH' | 'EPERM' | 'ENOTNODE' | 'EINSPECTOR' | 'EINJECT';

export class AttachError extends Error {
  override name = 'AttachError';
  constructor(
    readonly code: AttachErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AttachOptions {
  /**
   * The ES module the process loads (exports `attachHost`, see ./attach-entry.ts): a path or
   * file URL. Default: the installed @tbpf/trace-host's built `dist/node/attach-entry.js`.
   */
  hostModule?: string;
  /** How long to wait for the inspector to open, and then for it to close (ms, default 5000). */
  timeoutMs?: number;
  /** Progress, one line at a time (e.g. the CLI's stderr). */
  log?: (line: string) => void;
}

export interface AttachResult extends AttachedHost {
  /** How the inspector was used: opened by SIGUSR1 and closed again, already open (left open), or not needed. */
  inspector: 'opened-and-closed' | 'already-open' | 'not-needed';
}

const SIGUSR1 = 10;

/** Attach to process `pid` (see the module comment); throws AttachError with the reason. */
export async function attachProcess(pid: number, options: AttachOptions = {}): Promise<AttachResult> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 5000;
  checkTarget(pid);
  const socket = await servedControlSocket(pid);
  if (socket) {
    log(`process ${pid} already has a trace host (${socket})`);
    return { pid, socketPath: socket, mode: 'preload', existing: true, inspector: 'not-needed' };
  }
  // The application's own listeners are not asked whether they are an inspector (that would be
  // a request to the application, in its logs): an inspector already open is looked for among
  // them only when the command line opens one, or when SIGUSR1 opens none.
  const own = loopbackListeners(pid);
  let port = startsInspector(pid) ? await findInspector(pid, own) : undefined;
  let opened = false;
  if (port === undefined) {
    log(`sending SIGUSR1 to ${pid} to open its inspector`);
    process.kill(pid, 'SIGUSR1');
    port = await waitFor(timeoutMs, () =>
      findInspector(
        pid,
        loopbackListeners(pid).filter((p) => !own.includes(p)),
      ),
    );
    opened = port !== undefined;
    // SIGUSR1 opens none when one is open already (inspector.open() in the application).
    port ??= await findInspector(pid, own);
    if (port === undefined)
      throw new AttachError(
        'EINSPECTOR',
        `process ${pid}'s inspector did not open within ${timeoutMs} ms (it handles SIGUSR1 itself, its inspector is disabled, or its port is taken)`,
      );
  }
  log(`inspector of ${pid} on 127.0.0.1:${port}`);
  const host = await inject(port, hostModuleUrl(options.hostModule), opened);
  if (host.pid !== pid)
    throw new AttachError(
      'EINJECT',
      `the inspector on port ${port} belongs to process ${host.pid}, not ${pid}`,
    );
  if (opened) {
    const closed = await waitFor(timeoutMs, async () =>
      loopbackListeners(pid).includes(port) ? undefined : true,
    );
    if (!closed) log(`warning: the inspector of ${pid} is still open on port ${port}`);
  }
  log(`trace host ${host.existing ? 'already running' : 'started'} in ${pid}: ${host.socketPath}`);
  return { ...host, inspector: opened ? 'opened-and-closed' : 'already-open' };
}

/** The target must exist, be ours, run Node.js and catch SIGUSR1. */
function checkTarget(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0) throw new AttachError('ESRCH', `invalid process id '${pid}'`);
  if (pid === process.pid) throw new AttachError('EINJECT', 'a process cannot attach to itself');
  let owner: number;
  try {
    owner = lstatSync(`/proc/${pid}`).uid;
  } catch {
    throw new AttachError('ESRCH', `no process ${pid}`);
  }
  const me = process.geteuid?.() ?? 0;
  if (owner !== me)
    throw new AttachError(
      'EPERM',
      `process ${pid} belongs to uid ${owner}, not to you (uid ${me}): tbpf attaches only to your own processes`,
    );
  let exe = '';
  try {
    exe = basename(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    // unreadable: judged by the command line below
  }
  const argv0 = basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
  if (!/^node/.test(exe) && !/^node/.test(argv0))
    throw new AttachError('ENOTNODE', `process ${pid} is not Node.js (${exe || argv0 || 'unknown'})`);
  const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!caught || (BigInt(`0x${caught}`) & (1n << BigInt(SIGUSR1 - 1))) === 0n)
    throw new AttachError(
      'EINSPECTOR',
      `process ${pid} does not handle SIGUSR1: its inspector is disabled (--disable-sigusr1, the permission model), and the signal would end it`,
    );
}

/** Of `ports` (loopback listeners of `pid`), the one its inspector answers on, if any. */
async function findInspector(pid: number, ports: readonly number[]): Promise<number | undefined> {
  if (!isAlive(pid)) throw new AttachError('ESRCH', `process ${pid} exited`);
  for (const port of ports) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(1000) });
      const v = (await r.json()) as { Browser?: string };
      if (typeof v.Browser === 'string' && v.Browser.startsWith('node.js')) return port;
    } catch {
      // not an inspector (or not answering)
    }
  }
  return undefined;
}

/** Whether `pid`'s command line or NODE_OPTIONS opens the inspector (--inspect, -brk, -wait). */
function startsInspector(pid: number): boolean {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const nodeOptions = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readProc(`/proc/${pid}/environ`))?.[1] ?? '';
  return [...args, ...nodeOptions.split(/\s+/)].some((a) => /^--inspect(?:-brk|-wait)?(?:=|$)/.test(a));
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Ports `pid` listens on at 127.0.0.1 or ::1 (its socket inodes matched in its /proc/<pid>/net/tcp{,6}). */
function loopbackListeners(pid: number): number[] {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const [file, loopback] of [
    [`/proc/${pid}/net/tcp`, '0100007F'],
    [`/proc/${pid}/net/tcp6`, '00000000000000000000000001000000'],
  ] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local rem st … inode: state 0A is LISTEN
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9])) continue;
      const [addr, port] = f[1].split(':');
      if (addr === loopback) ports.push(Number.parseInt(port, 16));
    }
  }
  return ports;
}

async function waitFor<T>(timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The installed package's folder: the loader and the built host module are files the target
 * process loads, found the same way from this package's sources, its dist, or a bundle.
 */
function packageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@tbpf/trace-host/package.json'));
}

function hostModuleUrl(hostModule: string | undefined): string {
  if (hostModule) return hostModule.startsWith('file:') ? hostModule : pathToFileURL(hostModule).href;
  const built = join(packageDir(), 'dist', 'node', 'attach-entry.js');
  if (!existsSync(built))
    throw new AttachError('EINJECT', `${built} is missing: build @tbpf/trace-host (pnpm build)`);
  return pathToFileURL(built).href;
}

interface EvaluateReply {
  id: number;
  result?: {
    result?: { value?: unknown };
    exceptionDetails?: { exception?: { description?: string }; text?: string };
  };
  error?: { message?: string };
}

/** Load the host module through the inspector on `port`; the loader closes the inspector if asked. */
async function inject(port: number, moduleUrl: string, closeInspector: boolean): Promise<AttachedHost> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    type?: string;
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets.find((t) => t.type === 'node' && t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new AttachError('EINJECT', `the inspector on port ${port} lists no Node.js target`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const loader = join(packageDir(), 'attach-loader.cjs');
    // The loader closes the inspector when it is done; if it cannot even be required, this does.
    const close = closeInspector ? "setImmediate(() => require('node:inspector').close());" : '';
    const expression = `(() => { try { return require(${JSON.stringify(loader)})(${JSON.stringify(moduleUrl)}, ${JSON.stringify({ closeInspector })}); } catch (e) { ${close} throw e; } })()`;
    const reply = await new Promise<EvaluateReply>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as EvaluateReply;
        if (m.id === 1) resolve(m);
      });
      ws.once('close', () => reject(new AttachError('EINJECT', 'the inspector closed the connection')));
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'Runtime.evaluate',
          params: { expression, includeCommandLineAPI: true, awaitPromise: true, returnByValue: true },
        }),
      );
    });
    const failure =
      reply.error?.message ??
      reply.result?.exceptionDetails?.exception?.description ??
      reply.result?.exceptionDetails?.text;
    if (failure) throw new AttachError('EINJECT', `loading the trace host failed: ${failure}`);
    return reply.result?.result?.value as AttachedHost;
  } finally {
    ws.terminate();
  }
}
