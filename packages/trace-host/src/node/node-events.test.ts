import { execFile, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { compile } from '@tbpf/cc-frontend';
import { haveTool } from '@tbpf/isa/testing/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FilterLoadError } from '../bpf-filter.js';
import { STATUS_COUNTS_C } from '../testing/node-processes.js';
import { TraceHost } from '../trace-host.js';
import { defineNodeEvents } from './node-events.js';
import { nodeRecords } from './records.js';

const includeDir = fileURLToPath(new URL('../../../cc-frontend/include', import.meta.url));

/** Every field of every Node event, as the `format` files say, checked by a C compiler. */
function formatAsserts(host: TraceHost): string {
  const lines = ['#include <tbpf/node.h>'];
  for (const ev of host.events()) {
    for (const f of ev.fields) {
      if (f.name.startsWith('common_')) continue;
      lines.push(
        `_Static_assert(__builtin_offsetof(struct node_${ev.name}, ${f.name}) == ${f.offset}, "${ev.name}.${f.name} offset");`,
        `_Static_assert(sizeof(((struct node_${ev.name} *)0)->${f.name}) == ${f.size}, "${ev.name}.${f.name} size");`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/fail' ? 503 : 200;
    res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const hosts: TraceHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

function nodeHost(): TraceHost {
  const host = new TraceHost();
  defineNodeEvents(host, { loopDelayIntervalMs: 20 });
  hosts.push(host);
  return host;
}

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** The event names and fields of the lines in trace_pipe, without the line prefix. */
const pipe = (host: TraceHost) => host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2));

/**
 * trace_pipe's lines, read until each of `patterns` matches one of them (or 10 s pass): Node
 * publishes some events after the client has its answer (a server's response finish, GC, the
 * loop-delay interval), later still on a loaded machine.
 */
async function pipeUntil(host: TraceHost, patterns: RegExp[]): Promise<string[]> {
  const lines: string[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    lines.push(...pipe(host));
    if (patterns.every((p) => lines.some((l) => p.test(l))) || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The status_counts map's lines, sorted. */
const statusCounts = (host: TraceHost) => host.read('maps/status_counts').split('\n').filter(Boolean).sort();

describe('Node events', { timeout: 60_000 }, () => {
  it('come from <tbpf/node.h>: one event per struct, the formats at the offsets C compilers give', () => {
    const host = nodeHost();
    expect(host.events().map((e) => e.name)).toEqual([...nodeRecords().keys()].sort());
    const source = formatAsserts(host);
    const r = compile(source, { fileName: 'asserts.c' });
    expect(r.errorCount, r.messages).toBe(0);
    if (!haveTool('clang-19')) return;
    execFileSync('clang-19', ['-target', 'bpf', '-fsyntax-only', '-I', includeDir, '-x', 'c', '-'], {
      input: source,
    });
    // And the checks can fail: a wrong offset is an error.
    expect(() =>
      execFileSync('clang-19', ['-target', 'bpf', '-fsyntax-only', '-I', includeDir, '-x', 'c', '-'], {
        input: source.replace(/== (\d+), "http_server_response_finish.status offset"/, '== 1$1, "x"'),
        stdio: 'pipe',
      }),
    ).toThrow();
  });

  it('subscribe to their sources only while enabled', () => {
    const host = nodeHost();
    const watched = () => ({
      finish: dc.hasSubscribers('http.server.response.finish'),
      start: dc.hasSubscribers('http.server.request.start'),
      warning: process.listenerCount('warning'),
    });
    const before = watched();
    expect(before.finish).toBe(false);
    host.write('events/node/http_server_response_finish/enable', '1');
    host.write('events/node/warning/enable', '1');
    expect(watched()).toEqual({ finish: true, start: true, warning: before.warning + 1 });
    host.write('events/node/enable', '0');
    expect(watched()).toEqual(before);
  });

  it('record HTTP requests and responses, sockets and fetch() from the objects Node publishes', async () => {
    const host = nodeHost();
    host.write('events/node/enable', '1');
    expect(await get('/ok?x=1')).toBe(200);
    expect(await get('/fail')).toBe(503);
    await (await fetch(`http://127.0.0.1:${port}/fetched`)).text();
    const lines = await pipeUntil(host, [
      /^http_client_request_start: .* path=\/ok/,
      /^http_server_request_start: .* url=\/fail /,
      /^http_server_response_finish: .* url=\/fail /,
      /^http_client_response_finish: .* path=\/ok/,
      /^net_server_socket: /,
      /^net_client_socket: /,
      /^undici_request_create: /,
      /^undici_request_headers: /,
    ]);
    host.write('events/node/enable', '0');
    const p = String(port);
    expect(lines).toContain(`http_client_request_start: method=GET host=127.0.0.1 path=/ok?x=1 port=${p}`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^http_server_request_start: content_length=0 method=GET url=/fail remote_addr=127\\.0\\.0\\.1 remote_port=\\d+ local_port=${p}$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^http_server_response_finish: duration_ns=[1-9]\d* bytes=[1-9]\d* method=GET url=\/fail remote_addr=127\.0\.0\.1 remote_port=\d+ status=503$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^http_client_response_finish: duration_ns=[1-9]\\d* content_length=5 method=GET host=127\\.0\\.0\\.1 path=/ok\\?x=1 port=${p} status=200$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^net_server_socket: remote_addr=127\\.0\\.0\\.1 remote_port=\\d+ local_port=${p} family=4$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^net_client_socket: remote_addr=127\\.0\\.0\\.1 remote_port=${p} local_port=\\d+ family=4$`,
        ),
      ),
    );
    expect(lines).toContain(`undici_request_create: method=GET origin=http://127.0.0.1:${p} path=/fetched`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^undici_request_headers: duration_ns=[1-9]\\d* method=GET origin=http://127\\.0\\.0\\.1:${p} path=/fetched status=200$`,
        ),
      ),
    );
  });

  it('record failed client requests, UDP sockets, child processes, workers, warnings and GC', async () => {
    const host = nodeHost();
    host.write('events/node/enable', '1');
    await new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port: 1, path: '/nothing' }).on('error', () => resolve());
    });
    dgram.createSocket('udp6').close();
    await new Promise((r) => execFile('true', ['--flag'], r));
    await new Promise((r) => new Worker('0', { eval: true }).on('exit', r));
    process.emitWarning('careful', { code: 'TBPF_TEST' });
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    const lines = await pipeUntil(host, [
      /^http_client_request_error: /,
      /^udp_socket: /,
      /^child_process: /,
      /^worker_threads: /,
      /^warning: /,
      /^gc: /,
      /^event_loop_delay: /,
    ]);
    host.write('events/node/enable', '0');
    expect(lines).toContain(
      'http_client_request_error: method=GET host=127.0.0.1 path=/nothing port=1 error=ECONNREFUSED',
    );
    expect(lines).toContain('udp_socket: type=udp6');
    expect(lines).toContainEqual(
      expect.stringMatching(/^child_process: child_pid=[1-9]\d* file=true args=true --flag$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^worker_threads: thread_id=[1-9]\d*$/));
    expect(lines).toContain('warning: name=Warning code=TBPF_TEST message=careful');
    expect(lines).toContainEqual(expect.stringMatching(/^gc: duration_ns=\d+ kind=[1248] flags=\d+$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^event_loop_delay: min_ns=\d+ max_ns=\d+ .* samples=[1-9]\d*$/),
    );
  });

  it('take the same filters as every event: a C program on the record and the predicate status >= 500', async () => {
    const host = nodeHost();
    const ev = host.event('node/http_server_response_finish');
    if (!ev) throw new Error('no event');
    const loaded = host.setBpfFilter(ev, { kind: 'c', source: STATUS_COUNTS_C });
    expect(loaded.description).toMatch(/ctx=record/);
    host.write('events/node/http_server_response_finish/enable', '1');
    for (const path of ['/ok', '/fail', '/ok', '/nope', '/fail', '/ok']) await get(path);
    // (A server's response finishes after its client has the answer: wait for the last ones.)
    await expect
      .poll(() => statusCounts(host), { timeout: 10_000 })
      .toEqual(['@status_counts[200]: 4', '@status_counts[503]: 2']);
    // The program keeps the failures only: the others were dropped before any buffer work (it
    // reads the status alone, so only that was filled in its context; a kept event is recorded whole).
    expect(pipe(host).map((l) => l.replace(/.* url=(\S+) .* status=(\d+)$/, '$1 $2'))).toEqual([
      '/fail 503',
      '/fail 503',
    ]);
    expect(loaded.partial).toBe(true);

    host.write('events/node/http_server_response_finish/filter', 'status >= 500');
    const filtered = () =>
      Number(/^filtered: (\d+)/.exec(host.read('events/node/http_server_response_finish/stats'))?.[1]);
    const before = filtered();
    for (const path of ['/ok', '/fail', '/ok']) await get(path);
    await expect.poll(filtered, { timeout: 10_000 }).toBe(before + 2);
    expect(
      (await pipeUntil(host, [/ url=\/fail /])).map((l) =>
        l.replace(/.* url=(\S+) .*status=(\d+)$/, '$1 $2'),
      ),
    ).toEqual(['/fail 503']);
  });

  it('offer the record context only', () => {
    const host = nodeHost();
    expect(() =>
      host.setBpfFilter('node/exit', { kind: 'asm', text: 'r0 = 1\nexit\n' }, { ctx: 'regs' }),
    ).toThrow(FilterLoadError);
    expect(() =>
      host.setBpfFilter('node/exit', { kind: 'asm', text: 'r0 = 1\nexit\n' }, { ctx: 'regs' }),
    ).toThrow(/offers ctx=record, not ctx=regs/);
  });
});
