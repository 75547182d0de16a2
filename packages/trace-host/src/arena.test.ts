import { describe, expect, it } from 'vitest';
import { BPF_ADDRESS_BASE } from './linear.js';
import { netHost } from './testing/netsim.js';
import { TraceHost } from './trace-host.js';

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

  it('reads and writes pointers at any alignment (packed structs, structs at unaligned addresses)', () => {
    const host = new TraceHost();
    host.declare(`struct inner { void *p; unsigned int n; };
struct outer { char c; void *q; struct inner in; } __attribute__((packed));`);
    const view = host.runtime.memory.view;
    const u64At = (off: number) => view.getUint32(off, true) + view.getUint32(off + 4, true) * 2 ** 32;
    const o = host.arena.alloc('outer');
    o.q = 0x1_2345_6789;
    expect([o.q, u64At(o.offset + 1)]).toEqual([0x1_2345_6789, 0x1_2345_6789]);
    const inner = o.in; // at offset 9 of the packed struct
    expect(inner.offset % 4).toBe(1);
    inner.p = 0xa_bcde_f012;
    expect([inner.p, u64At(o.offset + 9)]).toEqual([0xa_bcde_f012, 0xa_bcde_f012]);
    expect(host.arena.at('inner', inner.address)?.p).toBe(0xa_bcde_f012);
    // Aligned, the same struct is read by words: both views agree.
    const aligned = host.arena.alloc('inner');
    aligned.p = host.arena.at('inner', inner.address);
    expect(u64At(aligned.offset)).toBe(inner.address);
    expect(host.arena.at('inner', aligned.address)?.p).toBe(inner.address);
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
