import { describe, expect, test } from 'vitest';
import { createNetsim, DEVICE_NAMES, generateTraffic } from './index.js';

describe('netsim', () => {
  test('lays out the structs where the RFC expects them', () => {
    const net = createNetsim();
    expect(net.host.arena.layout('net_device').fields.find((f) => f.name === 'name')?.offset).toBe(0);
    expect(net.host.arena.layout('sk_buff').fields.find((f) => f.name === 'dev')?.offset).toBe(32);
    expect(net.devices.map((d) => d.name)).toEqual([...DEVICE_NAMES]);
  });

  test('kfree_skb records Linux-like fields once the event is enabled', () => {
    const net = createNetsim();
    net.kfree_skb(net.netdev_alloc_skb(net.device('eth1'), 100));
    expect(net.host.records()).toHaveLength(0);
    net.host.write('events/skb/kfree_skb/enable', '1');
    const skb = net.netdev_alloc_skb(net.device('eth5'), 1234);
    const addr = skb.address;
    net.kfree_skb(skb);
    const [line] = net.host.readPipe();
    expect(line).toContain(`kfree_skb: skbaddr=0x${addr.toString(16)}`);
    expect(line).toMatch(/protocol=2048 name=eth5 len=1234$/);
  });

  test('the predicate filter selects one device; the arena does not grow with traffic', () => {
    const net = createNetsim();
    net.host.write('events/skb/kfree_skb/enable', '1');
    net.host.write('events/skb/kfree_skb/filter', 'name == "eth5"');
    const used = net.host.arena.used;
    const sent = generateTraffic(net, Object.fromEntries(DEVICE_NAMES.map((d, i) => [d, 10 + i])));
    expect(sent.get('eth5')).toHaveLength(16);
    const lines = net.host.readPipe();
    expect(lines).toHaveLength(16);
    expect(lines.every((l) => l.includes('name=eth5 '))).toBe(true);
    generateTraffic(net, { eth0: 1000 });
    // One sk_buff at a time: freed skbs are reused.
    expect(net.host.arena.used - used).toBe(net.host.arena.layout('sk_buff').size);
  });
});
