/**
 * The simulated host both apps drive: a tiny network stack over the trace-host arena, in the
 * shape of the RFC's benchmark. Devices `lo`, `eth0` … `eth7`; `netdev_alloc_skb(dev, len)`
 * and `kfree_skb(skb)` manage `struct sk_buff`s in the arena; `kfree_skb` fires the static
 * tracepoint `skb:kfree_skb` with the device as its first argument — so the RFC's
 * `ctx->regs.si` is the `struct net_device *` — and Linux-like record fields (`skbaddr`,
 * `location`, `protocol`) plus the device name and length. Both functions are registered for
 * kprobe-style probes (`p:kfree_skb …`).
 */
import {
  BPF_ADDRESS_BASE,
  type StructView,
  type TraceEvent,
  TraceHost,
  type TraceHostOptions,
} from '@tbpf/trace-host';
import { NETSIM_H } from './netsim-header.js';

export { NETSIM_H };

export const DEVICE_NAMES = ['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'eth4', 'eth5', 'eth6', 'eth7'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];

/** ETH_P_IP, the protocol every simulated packet carries. */
export const ETH_P_IP = 0x0800;

/** A stable fake code address standing in for kfree_skb's caller (`location` in Linux's event). */
const KFREE_SKB_CALLER = 0xffff81a0b2c0;

export interface Netsim {
  readonly host: TraceHost;
  readonly devices: readonly StructView[];
  /** The static tracepoint `skb:kfree_skb`. */
  readonly kfreeSkb: TraceEvent;
  device(name: DeviceName): StructView;
  netdev_alloc_skb(dev: StructView, len: number): StructView;
  kfree_skb(skb: StructView): void;
}

export function createNetsim(options: TraceHostOptions = {}): Netsim {
  const host = new TraceHost({ arenaBytes: 1 << 20, ...options });
  host.declare(NETSIM_H);
  const devices = DEVICE_NAMES.map((name, i) => {
    const d = host.arena.alloc('net_device');
    d.name = name;
    d.ifindex = i + 1;
    d.mtu = name === 'lo' ? 65536 : 1500;
    return d;
  });
  // Like Linux's TP_fast_assign, the record's fields are read from the skb only when a record
  // is filled; the tracepoint itself passes just (dev, skb, location).
  const view = host.runtime.memory.view;
  const skbField = (name: string) => host.arena.layout('sk_buff').fields.find((f) => f.name === name)!.offset;
  const PROTOCOL = skbField('protocol');
  const LEN = skbField('len');
  const at = (skb: unknown, field: number) => (skb as number) - BPF_ADDRESS_BASE + field;
  const kfreeSkb = host.defineEvent(
    'skb',
    'kfree_skb',
    [
      { name: 'skbaddr', type: 'void *', from: 1 },
      { name: 'location', type: 'void *', from: 2 },
      {
        name: 'protocol',
        type: 'unsigned short',
        from: (_dev, skb) => view.getUint16(at(skb, PROTOCOL), true),
      },
      // The device's name is copied from the arena: the dev pointer is emit()'s first argument.
      { name: 'name', type: 'char[16]', from: 0 },
      { name: 'len', type: 'unsigned int', from: (_dev, skb) => view.getUint32(at(skb, LEN), true) },
    ],
    { args: ['dev', 'skb', 'location'] },
  );

  const net = {
    netdev_alloc_skb(dev: StructView, len: number): StructView {
      const skb = host.arena.alloc('sk_buff');
      skb.dev = dev.address;
      skb.len = len;
      skb.protocol = ETH_P_IP;
      return skb;
    },
    kfree_skb(skb: StructView): void {
      // The tracepoint: one branch when the event is disabled.
      if (kfreeSkb.enabled) kfreeSkb.emit(skb.dev, skb.address, KFREE_SKB_CALLER);
      host.arena.release(skb);
    },
  };
  host.registerFunction('netdev_alloc_skb', net);
  host.registerFunction('kfree_skb', net);

  return {
    host,
    devices,
    kfreeSkb,
    device: (name) => devices[DEVICE_NAMES.indexOf(name)],
    netdev_alloc_skb: (dev, len) => net.netdev_alloc_skb(dev, len),
    kfree_skb: (skb) => net.kfree_skb(skb),
  };
}

/**
 * Deterministic traffic: `perDevice` packets on every device, lengths drawn from a fixed
 * pseudo-random sequence between 60 and 1514 bytes. Returns the packets sent per device.
 */
export function generateTraffic(
  net: Netsim,
  perDevice: Readonly<Record<string, number>>,
): Map<string, number[]> {
  let seed = 0x2013;
  const nextLen = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return 60 + ((seed >>> 8) % 1455);
  };
  const sent = new Map<string, number[]>();
  const queue: [StructView, number][] = [];
  for (const dev of net.devices) {
    const n = perDevice[dev.name as string] ?? 0;
    for (let i = 0; i < n; i++) queue.push([dev, nextLen()]);
  }
  // Interleave devices the way a busy host would see them.
  queue.sort((a, b) => ((a[1] * 31 + a[0].ifindex) % 97) - ((b[1] * 31 + b[0].ifindex) % 97));
  for (const [dev, len] of queue) {
    net.kfree_skb(net.netdev_alloc_skb(dev, len));
    const list = sent.get(dev.name as string) ?? [];
    list.push(len);
    sent.set(dev.name as string, list);
  }
  return sent;
}
