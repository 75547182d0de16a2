/**
 * The event path of node:http_server_response_finish in process, from a real response's
 * diagnostics_channel message (captured once from a request on the loopback interface) to the
 * filter's verdict or the committed record: disabled, every event recorded, the predicate
 * `status >= 500`, and the demo's C filter (status counts, a log2 latency histogram) on each
 * engine. Each filter drops every event (the status is 200). What the HTTP-level table (`npm run
 * bench -- node`) adds on top is Node's own publishing and the request-start bookkeeping. Each
 * iteration emits 1000 times. Run: `pnpm bench`.
 */
import dc from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bench, describe } from 'vitest';
import type { TraceEvent } from '../event.js';
import { compileFilterC } from '../filter-sources.js';
import { TraceHost } from '../trace-host.js';
import { defineNodeEvents } from './node-events.js';

/** The demo's filter, from its source (apps/demo/src/filters.ts). */
const HTTP_STATS_C = /export const NODE_HTTP_C = `([\s\S]*?)`;/.exec(
  readFileSync(new URL('../../../../apps/demo/src/filters.ts', import.meta.url), 'utf8'),
)?.[1] as string;

async function realResponseMessage(): Promise<unknown> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let message: unknown;
  const grab = (m: unknown) => {
    message = m;
  };
  dc.subscribe('http.server.response.finish', grab);
  await new Promise<void>((r) =>
    http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/products`, (res) => {
      res.resume();
      res.on('end', r);
    }),
  );
  dc.unsubscribe('http.server.response.finish', grab);
  await new Promise((r) => server.close(r));
  return message;
}

const message = await realResponseMessage();
const start = { t: performance.now() * 1e6, bytes: 0 };
const elf = compileFilterC(HTTP_STATS_C, 'http_stats.c');

function event(configure: (host: TraceHost, ev: TraceEvent) => void, enabled = true): TraceEvent {
  const host = new TraceHost();
  defineNodeEvents(host);
  const ev = host.event('node/http_server_response_finish') as TraceEvent;
  configure(host, ev);
  // Enabled without subscribing: the bench calls emit() as the subscriber would.
  (ev as unknown as { on: boolean }).on = enabled;
  return ev;
}

const variants: [string, TraceEvent][] = [
  ['disabled', event(() => {}, false)],
  ['every event recorded', event(() => {})],
  ['predicate status >= 500', event((h, ev) => h.setPredicate(ev, 'status >= 500'))],
  ...(['wasm', 'jit', 'interp'] as const).map(
    (engine) =>
      [
        `BPF filter (C), ${engine}`,
        event((h, ev) => h.setBpfFilter(ev, { kind: 'elf', bytes: elf }, { engine })),
      ] as [string, TraceEvent],
  ),
];

const CALLS = 1000;
describe('node:http_server_response_finish, one real response message (1000 emits per iteration)', () => {
  for (const [name, ev] of variants)
    bench(name, () => {
      for (let i = 0; i < CALLS; i++) ev.emit(message, start);
    });
});
