/**
 * `tbpf trace -p PID`, `list-processes`, `attach` and `detach` against real Node.js processes:
 * the trace-host test application (no tbpf code) under the preload, and attached to.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppProcess,
  appState,
  bundleEntries,
  type Entries,
  get,
  STATUS_COUNTS_C,
  startApp,
} from '../../../../packages/trace-host/src/testing/node-processes.js';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

let entries: Entries;
const apps: AppProcess[] = [];

beforeAll(async () => {
  entries = await bundleEntries();
}, 60_000);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

afterAll(() => rmSync(entries.dir, { recursive: true, force: true }));

async function tbpf(files: Record<string, string>, ...args: string[]) {
  const io = memoryIo(files);
  const code = await runCli(['node', 'tbpf', 'trace', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The pids `list-processes --json` shows with `runtimeDir` as this user's XDG_RUNTIME_DIR. */
async function listedPids(runtimeDir: string): Promise<number[]> {
  const saved = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtimeDir;
  try {
    const r = await tbpf({}, 'list-processes', '--json');
    return (JSON.parse(r.out) as { pid: number }[]).map((p) => p.pid);
  } finally {
    if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = saved;
  }
}

describe('tbpf trace on Node.js processes', () => {
  it('finds a preloaded server by pid, lists it, counts statuses, and pipes status >= 500', async () => {
    const a = await startApp({ nodeArgs: ['--import', entries.register] });
    apps.push(a);
    const saved = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = a.runtimeDir;
    try {
      const listed = await tbpf({}, 'list-processes');
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(new RegExp(`^${a.pid}\\s+\\S+/tbpf/${a.pid}\\.sock\\s+.*server\\.js$`, 'm'));
    } finally {
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = saved;
    }
    const p = String(a.pid);
    let r = await tbpf({}, '-p', p, 'list');
    expect(r.out).toMatch(/^node:http_server_response_finish\s+disabled\s+filter: none$/m);
    expect(r.out).toMatch(/^node:gc\s+disabled/m);
    expect((await tbpf({}, '-p', p, 'format', 'node:http_server_response_finish')).out).toContain(
      'field:unsigned short status;',
    );

    expect((await tbpf({}, '-p', p, 'enable', 'node:http_server_response_finish')).code).toBe(0);
    r = await tbpf(
      { 'status.c': STATUS_COUNTS_C },
      '-p',
      p,
      'filter',
      'node:http_server_response_finish',
      '--file',
      'status.c',
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /^bpf: status\.c tracepoint\/node\/http_server_response_finish, \d+ insns, ctx=record/,
    );
    for (let i = 0; i < 12; i++) await get(a.port, i % 4 === 3 ? '/fail' : '/users');
    r = await tbpf({}, '-p', p, 'map', 'status_counts');
    expect(r.out.split('\n').filter(Boolean).sort()).toEqual([
      '@status_counts[200]: 9',
      '@status_counts[500]: 3',
    ]);
    r = await tbpf({}, '-p', p, 'map', 'status_counts', '--json');
    expect(JSON.parse(r.out)).toHaveLength(2);

    expect(
      (await tbpf({}, '-p', p, 'filter', 'node:http_server_response_finish', 'status >= 500')).code,
    ).toBe(0);
    await tbpf({}, '-p', p, 'cat', 'trace_pipe');
    for (const path of ['/', '/fail', '/users']) await get(a.port, path);
    r = await tbpf({}, '-p', p, 'pipe', '--count', '1', '--timeout', '10000');
    expect(r.out).toMatch(/http_server_response_finish: .* url=\/fail .* status=500\n$/);
  }, 60_000);

  it('attaches to a running server, probes a module export, and detaches leaving it as it was', async () => {
    const a = await startApp({ nodeArgs: ['--inspect-port=0'] });
    apps.push(a);
    const p = String(a.pid);
    const before = await appState(a.port);
    let r = await tbpf({}, '-p', p, 'list');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`process ${p} has no trace host`);

    // A stale socket under its pid (left by an earlier process that had the pid and died
    // without removing it): nobody answers, so the server still has no trace host, and
    // attaching takes the path over.
    const dir = path.join(a.runtimeDir, 'tbpf');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const bound = spawnSync('python3', [
      '-c',
      'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      path.join(dir, `${p}.sock`),
    ]);
    expect(bound.status).toBe(0);
    r = await tbpf({}, '-p', p, 'list');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`process ${p} has no trace host (${path.join(dir, `${p}.sock`)} is stale`);
    // Not listed either: the process is alive, but it does not listen on a control socket.
    expect(await listedPids(a.runtimeDir)).not.toContain(a.pid);

    r = await tbpf({}, 'attach', p, '--host-module', entries.attachEntry);
    expect(r.err).toMatch(/sending SIGUSR1/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(`^trace host in ${p} \\(inspector opened and closed again\\): \\S+/tbpf/${p}\\.sock$`, 'm'),
    );
    expect((await appState(a.port)).inspector).toBeNull();
    expect(await listedPids(a.runtimeDir)).toContain(a.pid);
    r = await tbpf({}, 'attach', p, '--json');
    expect(JSON.parse(r.out)).toMatchObject({ pid: a.pid, inspector: 'not-needed' });

    r = await tbpf({}, '-p', p, 'kprobe', 'add', 'p:db/query ./lib/db.js:query sql=$arg1:string');
    expect(r.err).toBe('');
    await tbpf({}, '-p', p, 'enable', 'db:query');
    await get(a.port, '/users');
    r = await tbpf({}, '-p', p, 'pipe', '--count', '1', '--timeout', '10000');
    expect(r.out).toMatch(/query: \(\.\/lib\/db\.js:query\+0x0\) sql="select \* from users"\n$/);

    r = await tbpf({}, '-p', p, 'detach');
    expect(r).toMatchObject({ code: 0, out: 'detached\n' });
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = (await tbpf({}, '-p', p, 'list')).code === 2;
      if (!gone) await new Promise((res) => setTimeout(res, 20));
    }
    expect(gone).toBe(true);
    expect(await appState(a.port)).toEqual(before);
  }, 60_000);

  it('refuses what it cannot attach to, with the reason', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const r = await tbpf({}, 'attach', String(sleeper.pid));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/tbpf: process \d+ is not Node\.js \(sleep\)/);
    } finally {
      sleeper.kill();
    }
    let r = await tbpf({}, 'attach', '4194305');
    expect(r).toMatchObject({ code: 2, err: 'tbpf: no process 4194305\n' });
    r = await tbpf({}, '-p', '4194305', 'list');
    expect(r).toMatchObject({ code: 2, err: 'tbpf: no process 4194305\n' });
    r = await tbpf({}, 'attach', 'abc');
    expect(r).toMatchObject({ code: 2, err: "tbpf: not a process id: 'abc'\n" });
  });
});
