import { TraceHost } from './index.js';
import { fakeSeam } from './testing.js';

// The host: its C structs live in the arena, in the linear memory every engine sees.
const host = new TraceHost({ seam: fakeSeam({ pid: 42, comm: 'netd' }) });
host.declare('struct net_device { char name[16]; int ifindex; };');
const eth5 = host.arena.alloc('net_device');
eth5.name = 'eth5';
const lo = host.arena.alloc('net_device');
lo.name = 'lo';

// A static tracepoint whose first argument is the device (so the RFC's ctx->regs.si is it).
const xmit = host.defineEvent('net', 'xmit', [
  { name: 'name', type: 'char[16]', from: 0 }, // copied from dev->name in the arena
  { name: 'len', type: 'unsigned int', from: 1 },
]);
const send = (dev: typeof eth5, len: number) => xmit.emit(dev, len); // one branch while disabled

host.write('events/net/xmit/enable', '1');
host.write('events/net/xmit/filter', 'name == "eth5" && len > 100'); // ftrace's predicate
send(eth5, 64);
send(eth5, 1500);
send(lo, 1500);

// The cover letter's filter, compiled in process, replaces the predicate atomically.
host.write(
  'events/net/xmit/filter',
  `#!bpf c
#include <tbpf/rfc2013.h>
void filter(struct bpf_context *ctx) {
  char devname[4] = "eth5";
  struct net_device *dev = (struct net_device *)ctx->regs.si;
  if (bpf_memcmp(dev->name, devname, 4) == 0) {
    char fmt[] = "len %d on eth5\\n";
    bpf_trace_printk(fmt, ctx->regs.dx, 0, 0, 0);
  }
}`,
);
send(eth5, 99);
send(lo, 99);

console.log(host.read('events/net/xmit/filter'));
console.log(host.read('trace_pipe'));
