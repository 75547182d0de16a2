import { describe, expect, it } from 'vitest';
import { KprobeEventError, MAX_DEREF_DEPTH, parseKprobeCommand } from './kprobe-events.js';
import { netHost } from './testing/netsim.js';
import { RecordingRegistry } from './testing.js';

describe('kprobe_events', () => {
  it('parses probe lines like ftrace', () => {
    expect(parseKprobeCommand('p:net/alloc netdev_alloc_skb dev=%di len=%si:u32')).toEqual({
      op: 'add',
      probe: 'p',
      group: 'net',
      event: 'alloc',
      symbol: 'netdev_alloc_skb',
      args: [
        { name: 'dev', fetch: { kind: 'reg', reg: 'di' }, type: 'x64', text: 'dev=%di' },
        { name: 'len', fetch: { kind: 'reg', reg: 'si' }, type: 'u32', text: 'len=%si:u32' },
      ],
    });
    expect(parseKprobeCommand('r kfree_skb $retval')).toMatchObject({
      probe: 'r',
      group: 'kprobes',
      event: 'r_kfree_skb_0',
      args: [{ name: 'arg1', fetch: { kind: 'retval' } }],
    });
    expect(parseKprobeCommand('-:net/alloc')).toEqual({ op: 'remove', group: 'net', event: 'alloc' });
    expect(parseKprobeCommand('p:x f name=+0(+8(%di)):string')).toMatchObject({
      args: [
        {
          fetch: {
            kind: 'deref',
            offset: 0,
            base: { kind: 'deref', offset: 8, base: { kind: 'reg', reg: 'di' } },
          },
          type: 'string',
        },
      ],
    });
    expect(parseKprobeCommand('  # comment')).toBeNull();
  });

  it.each([
    ['q:x f', 'Unknown probe type', 1],
    ['p:9x f', 'Event name must follow the same rules as C identifiers', 3],
    ['p:x f a=%zz', 'Invalid register name', 9],
    ['p:x f $retval', '$retval is not available on probe', 7],
    ['p:x f a=$arg7', 'Invalid argument number', 9],
    ['p:x f a=%di:u7', 'Unknown type is specified', 13],
    ['p:x f a=+4%di', 'Dereference needs a brace', 9],
    ['p:x f a=%di a=%si', 'This argument name is already used', 13],
    ['p:x', 'Invalid probed address or symbol', 5],
  ])('rejects %j with "%s" at column %i', (line, reason, column) => {
    let err: unknown;
    try {
      parseKprobeCommand(line);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KprobeEventError);
    expect((err as KprobeEventError).reason).toBe(reason);
    expect((err as KprobeEventError).column).toBe(column);
  });

  it('bounds dereference nesting with a typed error (10,000 levels: no stack overflow)', () => {
    const nested = (n: number) => `p:x f a=${'+0('.repeat(n)}%di${')'.repeat(n)}`;
    expect(parseKprobeCommand(nested(MAX_DEREF_DEPTH))).not.toBeNull();
    let err: unknown;
    try {
      parseKprobeCommand(nested(10_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KprobeEventError);
    expect(err).toMatchObject({ reason: 'Dereference is too much nested', column: 9 + 3 * MAX_DEREF_DEPTH });
  });

  it('wraps a registered function while probed and unwraps on removal', () => {
    const registry = new RecordingRegistry();
    const { host, devices, net } = netHost({ registry });
    const original = net.netdev_alloc_skb;
    host.write('kprobe_events', 'p:net/alloc netdev_alloc_skb dev=%di len=%si:u32 name=+0(%di):string');
    host.write('kprobe_events', 'r:net/alloc_ret netdev_alloc_skb skb=$retval len=+16($retval):u32');
    expect(net.netdev_alloc_skb).not.toBe(original);
    expect(host.read('kprobe_events')).toBe(
      'p:net/alloc netdev_alloc_skb dev=%di len=%si:u32 name=+0(%di):string\nr:net/alloc_ret netdev_alloc_skb skb=$retval len=+16($retval):u32\n',
    );
    expect(host.read('events/net/alloc/format')).toContain(
      'field:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;',
    );
    net.netdev_alloc_skb(devices[6], 100); // not enabled: nothing
    host.write('events/net/enable', '1');
    const skb = net.netdev_alloc_skb(devices[6], 128);
    const lines = host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2));
    expect(lines).toEqual([
      `alloc: (netdev_alloc_skb+0x0) dev=0x${devices[6].address.toString(16)} len=128 name="eth5"`,
      `alloc_ret: (<js> <- netdev_alloc_skb) skb=0x${skb.address.toString(16)} len=128`,
    ]);
    host.write('events/net/alloc/filter', 'len > 200');
    net.netdev_alloc_skb(devices[1], 100);
    expect(
      host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2, l.indexOf(':', l.indexOf(': ') + 2))),
    ).toEqual(['alloc_ret']);
    expect(() => host.write('kprobe_events', '-:net/alloc')).toThrow(/EBUSY|enabled/);
    host.write('events/net/enable', '0');
    host.write('kprobe_events', '-:net/alloc');
    host.write('kprobe_events', '-:alloc_ret');
    expect(net.netdev_alloc_skb).toBe(original);
    expect(registry.log).toEqual([
      'attach:netdev_alloc_skb',
      'attach:netdev_alloc_skb',
      'detach:netdev_alloc_skb',
      'detach:netdev_alloc_skb',
    ]);
    expect(host.read('available_events')).toBe('skb:kfree_skb\n');
  });

  it.each([
    'interp',
    'wasm',
    'jit',
  ] as const)('runs BPF filters on probes: arguments in di/si, the return value in ax (%s)', (engine) => {
    const { host, devices, net } = netHost();
    host.write('kprobe_events', 'p:net/alloc netdev_alloc_skb len=%si:u32');
    host.write('kprobe_events', 'r:net/alloc_ret netdev_alloc_skb skb=$retval');
    host.write('events/net/enable', '1');
    // Entry: keep calls with len (si) > 100. Return: keep when ax is the skb of a device whose
    // name starts with "eth5" (memcmp through the returned pointer's dev field at +8).
    host.setBpfFilter(
      'net/alloc',
      { kind: 'asm', text: 'r2 = *(u64 *)(r1 + 104)\nr0 = 0\nif r2 <= 100 goto out\nr0 = 1\nout:\nexit\n' },
      { engine },
    );
    host.setBpfFilter(
      'net/alloc_ret',
      {
        kind: 'asm',
        text: `r6 = *(u64 *)(r1 + 80)
r1 = r6
r1 += 8
call 1002
r1 = r0
*(u32 *)(r10 - 8) = 0x35687465
r2 = r10
r2 += -8
r3 = 4
call 1001
r1 = r0
r0 = 0
if r1 != 0 goto out
r0 = 1
out:
exit
`,
      },
      { engine },
    );
    for (const d of devices) net.netdev_alloc_skb(d, 50 + d.ifindex * 10);
    const lines = host
      .readPipe()
      .map((l) => l.slice(l.indexOf(': ') + 2).replace(/skb=0x[0-9a-f]+/, 'skb=…'));
    expect(lines).toEqual([
      'alloc: (netdev_alloc_skb+0x0) len=110',
      'alloc: (netdev_alloc_skb+0x0) len=120',
      'alloc_ret: (<js> <- netdev_alloc_skb) skb=…',
      'alloc: (netdev_alloc_skb+0x0) len=130',
    ]);
  });

  it('dispose() unwraps every probed function', () => {
    const { host, net } = netHost();
    const original = net.kfree_skb;
    host.write('kprobe_events', 'p:k kfree_skb skb=%di');
    host.write('events/kprobes/k/enable', '1');
    expect(net.kfree_skb).not.toBe(original);
    host.dispose();
    expect(net.kfree_skb).toBe(original);
    expect(host.read('kprobe_events')).toBe('');
  });

  it('reports a bad probe with the column and logs it', () => {
    const { host } = netHost();
    expect(() => host.write('kprobe_events', 'p:x nosuch')).toThrow(/not a registered function/);
    expect(() => host.write('kprobe_events', 'p:x kfree_skb a=%zz')).toThrow(
      /Invalid register name at column 17/,
    );
    expect(host.read('error_log')).toContain('trace_kprobe: error: Invalid register name');
  });
});
