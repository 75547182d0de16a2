/** A small simulated host shared by the tests: a few structs, a static event, probe-able functions. */
import type { StructView } from '../arena.js';
import { fakeSeam } from '../testing.js';
import { TraceHost, type TraceHostOptions } from '../trace-host.js';

export const NET_HEADER = `
typedef unsigned short u16;
typedef unsigned int u32;
struct net_device {
  char name[16];
  int ifindex;
  u32 mtu;
};
struct sk_buff {
  struct sk_buff *next;
  struct net_device *dev;
  u32 len;
  u16 protocol;
  unsigned char pkt_type : 3;
  unsigned char cloned : 1;
};
`;

export function netHost(options: TraceHostOptions = {}) {
  const host = new TraceHost({
    seam: fakeSeam({ pid: 77, comm: 'netsim' }),
    memoryBytes: 1 << 21,
    arenaBytes: 1 << 18,
    ...options,
  });
  host.declare(NET_HEADER);
  const devices: StructView[] = [];
  for (let i = 0; i < 8; i++) {
    const d = host.arena.alloc('net_device');
    d.name = i === 0 ? 'lo' : `eth${i - 1}`;
    d.ifindex = i + 1;
    d.mtu = 1500;
    devices.push(d);
  }
  const kfreeSkb = host.defineEvent(
    'skb',
    'kfree_skb',
    [
      { name: 'skbaddr', type: 'void *', from: 1 },
      { name: 'location', type: 'void *', from: 2 },
      { name: 'protocol', type: 'unsigned short', from: (_dev, skb) => (skb as StructView).protocol },
      { name: 'name', type: 'char[16]', from: (dev) => (dev as StructView).address },
      { name: 'len', type: 'unsigned int', from: (_dev, skb) => (skb as StructView).len },
    ],
    { args: ['dev', 'skb', 'location'] },
  );
  const net = {
    netdev_alloc_skb(dev: StructView, len: number): StructView {
      const skb = host.arena.alloc('sk_buff');
      skb.dev = dev;
      skb.len = len;
      skb.protocol = 0x0800;
      return skb;
    },
    kfree_skb(skb: StructView): void {
      if (kfreeSkb.enabled) kfreeSkb.emit(host.arena.at('net_device', skb.dev), skb, 0x1234);
      host.arena.release(skb);
    },
  };
  host.registerFunction('netdev_alloc_skb', net);
  host.registerFunction('kfree_skb', net);
  return { host, devices, kfreeSkb, net };
}
