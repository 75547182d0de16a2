/**
 * Real processes: the test application (src/testing/node-app, no tbpf code) started under the
 * preload and plain, driven over its control socket from this process.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../control-socket.js';
import { compileFilterC } from '../filter-sources.js';
import {
  type AppProcess,
  appState,
  bundleEntries,
  type Entries,
  get,
  NODE_APP_DIR,
  STATUS_COUNTS_C,
  startApp,
} from '../testing/node-processes.js';
import { AttachError, attachProcess } from './attach.js';
import {
  controlSocketPath,
  ensureControlSocketDir,
  findControlSocket,
  listTracedProcesses,
} from './socket-dir.js';

let entries: Entries;
const apps: AppProcess[] = [];

beforeAll(async () => {
  entries = await bundleEntries();
}, 60_000);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

afterAll(() => {
  execFileSync('rm', ['-rf', entries.dir]);
});

async function app(options: Parameters<typeof startApp>[0] = {}): Promise<AppProcess> {
  const a = await startApp(options);
  apps.push(a);
  return a;
}

async function connect(pid: number): Promise<ControlClient> {
  const socket = findControlSocket(pid);
  if (!socket) throw new Error(`no control socket for ${pid}`);
  return ControlClient.connect(socket);
}

/** trace_pipe lines after the `event: ` prefix. */
async function pipe(c: ControlClient, max: number): Promise<string[]> {
  const lines: string[] = [];
  await c.pipe((l) => lines.push(l.slice(l.indexOf(': ') + 2)), { max, timeoutMs: 10_000 });
  return lines;
}

/** Binds a Unix socket at argv[1] and exits without removing it: a stale control socket. */
const BIND_UNIX_SOCKET = 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])';

/** A process that only waits (ready at once). */
const IDLE = 'console.log("listening 0"); setInterval(() => {}, 1000);';

describe('a server started under the preload', { timeout: 60_000 }, () => {
  it('serves its control socket owner-only in the per-user folder, and is listed', async () => {
    const a = await app({ nodeArgs: ['--import', entries.register] });
    const dir = path.join(a.runtimeDir, 'tbpf');
    const socket = path.join(dir, `${a.pid}.sock`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    // Found through the process's own environment, as `tbpf trace -p PID` does.
    expect(findControlSocket(a.pid)).toBe(socket);
    // Also when this user's own folder holds a stale socket under the same pid (left by an
    // earlier process that had the pid and was killed): the one the process listens on.
    const stale = controlSocketPath(a.pid);
    ensureControlSocketDir(path.dirname(stale));
    const bound = spawnSync('python3', ['-c', BIND_UNIX_SOCKET, stale]);
    try {
      expect(bound.status).toBe(0);
      expect(findControlSocket(a.pid)).toBe(socket);
    } finally {
      rmSync(stale, { force: true });
    }
    const saved = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = a.runtimeDir;
    try {
      // (Other traced processes of this user may be listed too: the fallback folder is shared.)
      expect(listTracedProcesses().filter((p) => p.pid === a.pid)).toEqual([
        { pid: a.pid, socket, command: expect.stringContaining('server.js') },
      ]);
    } finally {
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = saved;
    }
    // Nothing is watched until an event is enabled.
    expect(await appState(a.port)).toMatchObject({ subscribed: [], wrapped: [], inspector: null });
  });

  it('removes the sockets of dead processes from its folder when it starts, and only those', async () => {
    const runtimeDir = mkdtempSync(path.join(tmpdir(), 'tbpf-xdg-'));
    try {
      const dir = path.join(runtimeDir, 'tbpf');
      ensureControlSocketDir(dir);
      const dead = spawnSync('true').pid as number; // exited: nothing has this pid now
      const left = [`${process.pid}.sock`, 'notes.txt'].map((n) => path.join(dir, n));
      for (const file of [path.join(dir, `${dead}.sock`), left[0]])
        expect(spawnSync('python3', ['-c', BIND_UNIX_SOCKET, file]).status).toBe(0);
      writeFileSync(left[1], '');
      const a = await app({ nodeArgs: ['--import', entries.register], env: { XDG_RUNTIME_DIR: runtimeDir } });
      expect(readdirSync(dir).sort()).toEqual([`${a.pid}.sock`, `${process.pid}.sock`, 'notes.txt'].sort());
    } finally {
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });

  it('loads the trace host only when its socket is first used', async () => {
    // A module hook that prints every file the process loads.
    const hook = path.join(entries.dir, 'log-loads.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) process.stderr.write('loaded ' + r.url + '\\\\n');
  return r;
}\`));`,
    );
    const a = await app({ nodeArgs: ['--import', hook, '--import', entries.register] });
    const hostLoaded = () => /loaded \S*\/chunks\/node-host-/.test(a.output());
    // (The hooks run in a thread of their own: their lines can arrive a little later.)
    await expect.poll(a.output).toMatch(/loaded \S*\/register\.mjs/);
    expect(hostLoaded()).toBe(false);
    const c = await connect(a.pid);
    try {
      expect(hostLoaded()).toBe(false); // connecting alone loads nothing
      expect((await c.read('available_events')).split('\n')).toContain('node:http_server_request_start');
      await expect.poll(hostLoaded).toBe(true);
    } finally {
      c.close();
    }
  });

  it('traces HTTP events with a C filter and a predicate, then detaches and stays served', async () => {
    const a = await app({ env: { NODE_OPTIONS: `--import=${entries.register}` } });
    const before = await appState(a.port);
    const c = await connect(a.pid);
    try {
      const event = 'events/node/http_server_response_finish';
      await c.write(`${event}/enable`, '1');
      await c.write(`${event}/filter`, compileFilterC(STATUS_COUNTS_C, 'count.c'));
      for (const p of ['/', '/fail', '/', '/users', '/fail']) await get(a.port, p);
      const counts = (await c.read('maps/status_counts')).split('\n').filter(Boolean).sort();
      expect(counts).toEqual(['@status_counts[200]: 3', '@status_counts[500]: 2']);

      await c.write(`${event}/filter`, 'status >= 500');
      await c.read('trace_pipe');
      for (const p of ['/', '/fail', '/users']) await get(a.port, p);
      const lines = await pipe(c, 1);
      expect(lines).toEqual([
        expect.stringMatching(
          /^http_server_response_finish: duration_ns=\d+ bytes=\d+ method=GET url=\/fail .* status=500$/,
        ),
      ]);
      expect((await appState(a.port)).subscribed).toContain('http.server.response.finish');

      await c.write('detach', '1');
      expect(await c.read(`${event}/enable`)).toBe('0\n');
      expect(await c.read(`${event}/filter`)).toBe('none\n');
    } finally {
      c.close();
    }
    expect(await appState(a.port)).toEqual(before);
    expect(findControlSocket(a.pid)).toBeDefined(); // a preloaded host stays for the next session
  });

  it('probes functions by module and export, on entry and on return, and removes them', async () => {
    const a = await app({ nodeArgs: ['--import', entries.register] });
    const c = await connect(a.pid);
    try {
      await c.write('kprobe_events', 'p:db/query ./lib/db.js:query sql=$arg1:string limit=$arg2:u32');
      await c.write('kprobe_events', 'r:db/query_done ./lib/db.js:query');
      await c.write('kprobe_events', 'r:db/count lib/db.js:count table=%di:string n=$retval:s32');
      expect(await c.read('kprobe_events')).toBe(
        'p:db/query ./lib/db.js:query sql=$arg1:string limit=$arg2:u32\n' +
          'r:db/query_done ./lib/db.js:query\n' +
          'r:db/count lib/db.js:count table=%di:string n=$retval:s32\n',
      );
      expect((await c.read('available_filter_functions')).split('\n').filter(Boolean).sort()).toEqual([
        `${NODE_APP_DIR}/lib/db.js:count`,
        `${NODE_APP_DIR}/lib/db.js:query`,
      ]);
      await c.write('events/db/enable', '1');
      expect((await appState(a.port)).wrapped.sort()).toEqual(['count', 'query']);
      await get(a.port, '/users');
      const lines = await pipe(c, 3);
      expect(lines).toEqual([
        'count: (<js> <- lib/db.js:count) table="users" n=2',
        'query: (./lib/db.js:query+0x0) sql="select * from users" limit=2',
        'query_done: (<js> <- ./lib/db.js:query)', // when the returned promise settled
      ]);
      // Errors name the reason: not loaded, not a function.
      await expect(c.write('kprobe_events', 'p:db/x ./lib/none.js:query')).rejects.toThrow(
        /cannot find module/,
      );
      await expect(c.write('kprobe_events', 'p:db/y ./lib/db.js:users')).rejects.toThrow(/is not a function/);
      await c.write('events/db/enable', '0');
      await c.write('kprobe_events', '');
      expect((await appState(a.port)).wrapped).toEqual([]);
    } finally {
      c.close();
    }
  });
});

describe('tbpf trace attach through the inspector', { timeout: 60_000 }, () => {
  it('starts a host in a running server, closes the inspector, and detach leaves it as it was', async () => {
    const a = await app({ nodeArgs: ['--inspect-port=0'] });
    const before = await appState(a.port);
    expect(findControlSocket(a.pid)).toBeUndefined();
    const log: string[] = [];
    const r = await attachProcess(a.pid, { hostModule: entries.attachEntry, log: (l) => log.push(l) });
    expect(r).toMatchObject({ pid: a.pid, mode: 'attach', existing: false, inspector: 'opened-and-closed' });
    expect(r.socketPath).toBe(path.join(a.runtimeDir, 'tbpf', `${a.pid}.sock`));
    expect(log.join('\n')).toMatch(/sending SIGUSR1/);
    // The inspector closed again; the app's own server was not asked whether it is one.
    expect(await appState(a.port)).toMatchObject({ inspector: null, strays: [] });

    const c = await ControlClient.connect(r.socketPath);
    try {
      await c.write('events/node/http_server_request_start/enable', '1');
      await c.write('kprobe_events', 'p:db/query ./lib/db.js:query sql=$arg1:string');
      await c.write('events/db/query/enable', '1');
      await get(a.port, '/users');
      const lines = await pipe(c, 2);
      expect(lines[0]).toMatch(/^http_server_request_start: content_length=0 method=GET url=\/users /);
      expect(lines[1]).toBe('query: (./lib/db.js:query+0x0) sql="select * from users"');
      // Attaching again finds the host.
      expect(await attachProcess(a.pid, { hostModule: entries.attachEntry })).toMatchObject({
        existing: true,
        inspector: 'not-needed',
      });
      await c.write('detach', '1');
    } finally {
      c.close();
    }
    // The socket goes after the reply to `detach`.
    for (let i = 0; i < 100 && findControlSocket(a.pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(findControlSocket(a.pid)).toBeUndefined();
    expect(await appState(a.port)).toEqual(before);
    expect(a.proc.exitCode).toBeNull();
  });

  it('closes the inspector again when the host cannot be loaded', async () => {
    const a = await app({ nodeArgs: ['--inspect-port=0'] });
    const err = await attachProcess(a.pid, { hostModule: '/nonexistent/attach-entry.mjs' }).catch((e) => e);
    expect(err).toBeInstanceOf(AttachError);
    expect((err as AttachError).code).toBe('EINJECT');
    expect((err as AttachError).message).toMatch(/loading the trace host failed: .*nonexistent/);
    for (let i = 0; i < 100 && (await appState(a.port)).inspector; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await appState(a.port)).toMatchObject({ inspector: null, subscribed: [], wrapped: [] });
    expect(findControlSocket(a.pid)).toBeUndefined();
  });

  it('uses an inspector that was already open and leaves it open', async () => {
    const a = await app({ nodeArgs: ['--inspect=127.0.0.1:0'] });
    const url = (await appState(a.port)).inspector;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    const r = await attachProcess(a.pid, { hostModule: entries.attachEntry });
    expect(r.inspector).toBe('already-open');
    expect((await appState(a.port)).inspector).toBe(url);
  });

  it('refuses a process whose inspector is disabled (SIGUSR1 not handled), without signalling it', async () => {
    // Adding and removing a SIGUSR1 listener leaves the signal at its default action (terminate).
    const a = await app({
      args: ['-e', `const f = () => {}; process.on("SIGUSR1", f); process.off("SIGUSR1", f); ${IDLE}`],
    });
    await expect(attachProcess(a.pid, { hostModule: entries.attachEntry })).rejects.toThrow(
      /does not handle SIGUSR1: its inspector is disabled/,
    );
    expect(a.proc.exitCode).toBeNull();
    expect(a.proc.signalCode).toBeNull();
  });

  it('refuses a process under the permission model (Node leaves SIGUSR1 alone: no inspector)', async () => {
    const a = await app({ nodeArgs: ['--experimental-permission', '--allow-fs-read=*'] });
    await expect(attachProcess(a.pid, { hostModule: entries.attachEntry })).rejects.toThrow(
      /does not handle SIGUSR1: its inspector is disabled \(--disable-sigusr1, the permission model\)/,
    );
    expect(await get(a.port, '/')).toMatchObject({ status: 200 });
  });

  it('refuses when SIGUSR1 does not open the inspector (the process handles it itself)', async () => {
    const a = await app({ args: ['-e', `process.on("SIGUSR1", () => console.log("mine")); ${IDLE}`] });
    const err = await attachProcess(a.pid, { hostModule: entries.attachEntry, timeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AttachError);
    expect((err as AttachError).code).toBe('EINSPECTOR');
    expect((err as AttachError).message).toMatch(/inspector did not open within 1000 ms/);
    expect(a.output()).toContain('mine');
  });

  it("refuses another user's process and a process that is not Node.js", async () => {
    if (process.getuid?.() === 0) {
      const a = await app({ uid: 65534, gid: 65534, args: ['-e', IDLE] });
      await expect(attachProcess(a.pid, { hostModule: entries.attachEntry })).rejects.toThrow(
        /belongs to uid 65534, not to you \(uid 0\): tbpf attaches only to your own processes/,
      );
    }
    const sleeper = spawn('sleep', ['30']);
    try {
      await expect(attachProcess(sleeper.pid as number)).rejects.toThrow(/is not Node\.js \(sleep\)/);
    } finally {
      sleeper.kill();
    }
    await expect(attachProcess(2 ** 22 + 1)).rejects.toThrow(/no process/);
  });
});
