import { describe, expect, it } from 'vitest';
import { ControlPlaneError } from './control-plane.js';
import { netHost } from './testing/netsim.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ControlPlaneError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('control plane tree', () => {
  it('lists directories like tracefs', () => {
    const { host } = netHost();
    host.defineEvent('net', 'xmit', 'int len;');
    expect(host.control.list()).toContain('kprobe_events');
    expect(host.control.list('events')).toEqual(['enable', 'net', 'skb']);
    expect(host.control.list('/sys/kernel/tracing/events/skb')).toEqual(['enable', 'kfree_skb']);
    expect(host.control.list('events/skb/kfree_skb')).toEqual(['enable', 'filter', 'format', 'id', 'stats']);
    expect(host.read('available_events')).toBe('net:xmit\nskb:kfree_skb\n');
    expect(host.read('available_filter_functions')).toBe('netdev_alloc_skb\nkfree_skb\n');
  });

  it('aggregates enable per system and for all events (0, 1, X)', () => {
    const { host } = netHost();
    host.defineEvent('skb', 'consume_skb', 'int len;');
    expect(host.read('events/skb/enable')).toBe('0\n');
    host.write('events/skb/kfree_skb/enable', '1');
    expect(host.read('events/skb/enable')).toBe('X\n');
    host.write('events/enable', '1');
    expect(host.read('events/enable')).toBe('1\n');
    host.write('events/skb/enable', '0');
    expect(host.read('events/skb/consume_skb/enable')).toBe('0\n');
    host.write('tracing_on', '0');
    expect(host.read('tracing_on')).toBe('0\n');
  });

  it.each<[string, () => void, string]>([
    ['an unknown file', () => netHost().host.read('nope'), 'ENOENT'],
    ['an unknown event', () => netHost().host.read('events/skb/nope/format'), 'ENOENT'],
    ['a directory', () => netHost().host.read('events'), 'EISDIR'],
    ['a read-only file', () => netHost().host.write('events/skb/kfree_skb/format', 'x'), 'EACCES'],
    ['a bad enable value', () => netHost().host.write('events/skb/kfree_skb/enable', 'yes'), 'EINVAL'],
    ['an unknown map', () => netHost().host.read('maps/nope'), 'ENOENT'],
    ['removing a missing probe', () => netHost().host.write('kprobe_events', '-:nope'), 'ENOENT'],
    ['a file as a directory', () => netHost().host.control.list('trace'), 'ENOTDIR'],
  ])('reports %s as %s', (_what, f, want) => {
    expect(code(f)).toBe(want);
  });

  it('clears the buffer and the error log on write', () => {
    const { host, kfreeSkb, devices, net } = netHost();
    host.enable(kfreeSkb);
    net.kfree_skb(net.netdev_alloc_skb(devices[0], 1));
    expect(() => host.write('events/skb/kfree_skb/filter', 'len >')).toThrow(ControlPlaneError);
    host.write('trace', '');
    host.write('error_log', '');
    expect(host.records()).toHaveLength(0);
    expect(host.read('error_log')).toBe('');
  });
});
