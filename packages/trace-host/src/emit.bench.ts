/**
 * The cost of a disabled tracepoint on the host's hot path. A small host function (a few
 * typed-array updates, like freeing a buffer) is measured as is, with a disabled
 * `ev.emit(...)` in it, and with a call to a plain function taking the same arguments and
 * doing one store. Each iteration makes 1000 calls. Run: `pnpm bench`.
 */
import { bench, describe } from 'vitest';
import { fakeSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

const host = new TraceHost({ seam: fakeSeam(), memoryBytes: 1 << 20, arenaBytes: 4096 });
const ev = host.defineEvent('skb', 'kfree_skb', 'void *skbaddr; void *location; unsigned short protocol;');
const state = new Float64Array(1024);
const log = new Float64Array(1024);

function plain(skb: number, location: number, protocol: number): void {
  log[skb & 1023] = location + protocol;
}
function freeBare(skb: number): void {
  state[skb & 1023] += 1;
  state[(skb + 1) & 1023] -= 1;
}
function freeTraced(skb: number): void {
  state[skb & 1023] += 1;
  ev.emit(skb, 0x1234, 0x800);
  state[(skb + 1) & 1023] -= 1;
}
function freeWithCall(skb: number): void {
  state[skb & 1023] += 1;
  plain(skb, 0x1234, 0x800);
  state[(skb + 1) & 1023] -= 1;
}
const CALLS = 1000;

describe('a host function: bare, with a disabled emit(), with a plain call (1000 calls per iteration)', () => {
  bench('bare', () => {
    for (let i = 0; i < CALLS; i++) freeBare(i);
  });
  bench('with a disabled emit()', () => {
    for (let i = 0; i < CALLS; i++) freeTraced(i);
  });
  bench('with a plain function call', () => {
    for (let i = 0; i < CALLS; i++) freeWithCall(i);
  });
});
