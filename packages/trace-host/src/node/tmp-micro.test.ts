import { it } from 'vitest';
import { TraceHost } from '../trace-host.js';
import { defineNodeEvents } from './node-events.js';
import { compileFilterC } from '../filter-sources.js';
import { readFileSync } from 'node:fs';
const C = readFileSync('/work/wt/node/apps/demo/src/filters.ts','utf8').split('export const NODE_HTTP_C = `')[1].split('`;')[0];
it('micro', () => {
  const host = new TraceHost();
  defineNodeEvents(host);
  const ev = host.event('node/http_server_response_finish')!;
  const msg = { request: { method: 'GET', url: '/products' }, response: { statusCode: 200 }, socket: { remoteAddress: '127.0.0.1', remotePort: 40000, bytesWritten: 1000 } };
  const start = { t: performance.now() * 1e6 - 5000, bytes: 500 };
  const elf = compileFilterC(C, 'x.c');
  const phases: [string, () => void][] = [
    ['disabled', () => { host.write('events/node/http_server_response_finish/enable', '0'); }],
    ['record', () => { host.write('events/node/http_server_response_finish/filter', '0'); }],
    ['predicate', () => { host.write('events/node/http_server_response_finish/filter', 'status >= 500'); }],
    ['wasm', () => host.setBpfFilter(ev, { kind: 'elf', bytes: elf }, { engine: 'wasm' })],
    ['jit', () => host.setBpfFilter(ev, { kind: 'elf', bytes: elf }, { engine: 'jit' })],
    ['interp', () => host.setBpfFilter(ev, { kind: 'elf', bytes: elf }, { engine: 'interp' })],
  ];
  for (let round = 0; round < 3; round++) for (const [name, setup] of phases) {
    host.write('events/node/http_server_response_finish/filter', '0');
    setup();
    // emit directly (bypassing dc subscribe): set enabled via internal
    (ev as any).on = name !== 'disabled';
    const N = 200000;
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) ev.emit(msg, start);
    const t = process.cpuUsage(t0);
    if (round === 2) console.log(name, ((t.user + t.system) * 1000 / N).toFixed(0), 'ns/event');
  }
  (ev as any).on = false;
});
