/**
 * The event path of node:http_server_response_finish in this process, from a real response's
 * diagnostics_channel message (captured once from a request on the loopback interface) to the
 * filter's verdict or the committed record: disabled, every event recorded, the predicate
 * `status >= 500`, and the demo's C filter on each engine (each filter drops every event: the
 * status is 200). What the HTTP table adds on top is Node's own publishing and the request-start
 * bookkeeping. Per variant: the fastest of `repeats` batches of `calls` emits, in CPU time — on a
 * busy machine the least disturbed batch is the best estimate of the cost.
 */
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NODE_HTTP_C } from '@tbpf/demo/filters';
import { compileFilterC, TraceHost } from '@tbpf/trace-host';
import { defineNodeEvents } from '@tbpf/trace-host/node';
import { cpuMs } from './stats.js';

export interface EventPathResult {
  id: string;
  label: string;
  /** CPU ns per emit (fastest batch). */
  ns: number;
}

async function realResponseMessage(): Promise<unknown> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let message: unknown;
  const grab = (m: unknown) => {
    message = m;
  };
  dc.subscribe('http.server.response.finish', grab);
  try {
    await new Promise<void>((r, reject) =>
      http
        .get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/products`, (res) => {
          res.resume();
          res.on('end', r);
        })
        .on('error', reject),
    );
  } finally {
    dc.unsubscribe('http.server.response.finish', grab);
    await new Promise((r) => server.close(r));
  }
  return message;
}

export async function runEventPath(options: { calls: number; repeats: number }): Promise<EventPathResult[]> {
  const message = await realResponseMessage();
  const start = { t: performance.now() * 1e6, bytes: 0 };
  const elf = compileFilterC(NODE_HTTP_C, 'http_stats.c');
  const variants: { id: string; label: string; configure?: (h: TraceHost) => void; enabled: boolean }[] = [
    { id: 'disabled', label: 'disabled', enabled: false },
    { id: 'record', label: 'every event recorded', enabled: true },
    {
      id: 'predicate',
      label: 'predicate status >= 500',
      enabled: true,
      configure: (h) => h.setPredicate('node/http_server_response_finish', 'status >= 500'),
    },
    ...(['wasm', 'jit', 'interp'] as const).map((engine) => ({
      id: `bpf-${engine}`,
      label: `BPF filter (C), ${engine}`,
      enabled: true,
      configure: (h: TraceHost) =>
        h.setBpfFilter('node/http_server_response_finish', { kind: 'elf', bytes: elf }, { engine }),
    })),
  ];
  const results: EventPathResult[] = [];
  for (const v of variants) {
    const host = new TraceHost();
    defineNodeEvents(host);
    const ev = host.event('node/http_server_response_finish');
    if (!ev) throw new Error('no node/http_server_response_finish');
    v.configure?.(host);
    // Enabled, the event subscribes to Node's channels; no request comes, the loop calls emit()
    // as the subscriber would.
    ev.enabled = v.enabled;
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < options.repeats; r++) {
      const ms = cpuMs(() => {
        for (let i = 0; i < options.calls; i++) ev.emit(message, start);
      });
      best = Math.min(best, ms);
    }
    host.dispose();
    results.push({ id: v.id, label: v.label, ns: (best * 1e6) / options.calls });
  }
  return results;
}
