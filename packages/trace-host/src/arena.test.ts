import { describe, expect, it } from 'vitest';
import { BPF_ADDRESS_BASE } from './linear.js';
import { netHost } from './testing/netsim.js';

describe('arena', () => {
  it('lays out structs from the C header and reads/writes fields in the linear memory', () => {
    const { host, devices, net } = netHost();
    const layout = host.arena.layout('sk_buff');
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([
      ['next', 0],
      ['dev', 8],
      ['len', 16],
      ['protocol', 20],
      ['pkt_type', 22],
      ['cloned', 22],
    ]);
    expect(layout.size).toBe(24);
    const skb = net.netdev_alloc_skb(devices[6], 128);
    expect(skb.dev).toBe(devices[6].address);
    expect(skb.address).toBe(BPF_ADDRESS_BASE + skb.offset);
    const mem = host.runtime.memory;
    expect(mem.view.getUint32(skb.offset + 16, true)).toBe(128);
    expect(
      mem.view.getUint32(skb.offset + 8, true) + mem.view.getUint32(skb.offset + 12, true) * 2 ** 32,
    ).toBe(devices[6].address);
    expect(host.arena.at('net_device', skb.dev)?.name).toBe('eth5');
    skb.pkt_type = 5;
    skb.cloned = 1;
    expect([skb.pkt_type, skb.cloned]).toEqual([5, 1]);
    expect(mem.bytes[skb.offset + 22]).toBe(5 | 8);
    devices[1].name = 'a-very-long-device-name';
    expect(devices[1].name).toBe('a-very-long-devi');
  });

  it('reuses released structs zeroed', () => {
    const { host, devices, net } = netHost();
    const a = net.netdev_alloc_skb(devices[0], 1);
    const off = a.offset;
    host.arena.release(a);
    const b = host.arena.alloc('sk_buff');
    expect(b.offset).toBe(off);
    expect(b.len).toBe(0);
    expect(() => host.arena.alloc('nope')).toThrow(/struct nope is not declared/);
    const newDev = host.arena.allocator('net_device');
    const d = newDev();
    expect(d.struct.name).toBe('net_device');
    expect(host.arena.alloc('sk_buff').struct.name).toBe('sk_buff');
  });

  it('is read-only to programs', () => {
    const { host } = netHost();
    const region = host.runtime.memory.regionAt(host.arena.start);
    expect(region?.kind).toBe('host');
    expect(region?.writable).toBe(false);
  });
});
