import { describe, expect, it } from 'vitest';
import { fakeSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

function host(opts: ConstructorParameters<typeof TraceHost>[0] = {}) {
  return new TraceHost({
    seam: fakeSeam({ pid: 77, comm: 'netsim' }),
    memoryBytes: 1 << 20,
    arenaBytes: 1 << 16,
    ...opts,
  });
}

describe('static events', () => {
  it('writes an ftrace-like format file', () => {
    const h = host();
    const ev = h.defineEvent(
      'skb',
      'kfree_skb',
      'void *skbaddr; void *location; unsigned short protocol; char name[16];',
    );
    expect(ev.format).toBe(
      `name: kfree_skb\nID: ${ev.id}\nformat:\n` +
        '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n' +
        '\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n' +
        '\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n' +
        '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n' +
        '\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n' +
        '\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;\n' +
        '\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;\n' +
        '\tfield:char name[16];\toffset:26;\tsize:16;\tsigned:0;\n\n' +
        'print fmt: "skbaddr=%p location=%p protocol=%u name=%s", REC->skbaddr, REC->location, REC->protocol, REC->name\n',
    );
    expect(ev.recordSize).toBe(48);
    expect(h.read('events/skb/kfree_skb/format')).toBe(ev.format);
    expect(h.read('events/skb/kfree_skb/id')).toBe(`${ev.id}\n`);
  });

  it('records nothing while disabled and ftrace-style lines once enabled', () => {
    const h = host();
    const ev = h.defineEvent('sched', 'wakeup', [
      { name: 'comm', type: 'char[16]' },
      { name: 'pid', type: 'int' },
      { name: 'prio', type: 's32' },
    ]);
    ev.emit('bash', 12, -3);
    expect(h.buffer.stats().written).toBe(0);
    h.write('events/sched/wakeup/enable', '1');
    expect(h.read('events/sched/enable')).toBe('1\n');
    ev.emit('bash', 12, -3);
    ev.emit('sshd', 13, 120);
    const trace = h.read('trace');
    expect(trace).toContain('# entries-in-buffer/entries-written: 2/2   #P:1');
    const lines = trace.split('\n').filter((l) => !l.startsWith('#') && l);
    expect(lines).toEqual([
      '          netsim-77      [000] .....     1.000000: wakeup: comm=bash pid=12 prio=-3',
      '          netsim-77      [000] .....     1.000001: wakeup: comm=sshd pid=13 prio=120',
    ]);
    expect(h.records().map((r) => r.event)).toEqual(['wakeup', 'wakeup']);
    expect(h.read('trace_pipe').split('\n').filter(Boolean)).toHaveLength(2);
    expect(h.read('trace_pipe')).toBe('');
  });

  it('applies predicate filters in ftrace order and reads the filter back', () => {
    const h = host();
    const ev = h.defineEvent('net', 'xmit', 'char name[16]; unsigned int len;');
    h.enable(ev);
    h.write('events/net/xmit/filter', 'name == "eth5" && len > 100');
    expect(h.read('events/net/xmit/filter')).toBe('name == "eth5" && len > 100\n');
    for (const [n, l] of [
      ['eth5', 50],
      ['eth5', 150],
      ['eth4', 150],
      ['eth55', 150],
    ] as const)
      ev.emit(n, l);
    expect(h.readPipe().map((l) => l.split(': ').slice(1).join(': '))).toEqual(['xmit: name=eth5 len=150']);
    expect(ev.filtered).toBe(3);
    expect(h.read('events/net/xmit/stats')).toBe('filtered: 3\nfilter errors: 0\n');
    expect(() => h.write('events/net/xmit/filter', 'nme == "eth5"')).toThrow(/Field not found at column 1/);
    expect(h.read('events/net/xmit/filter')).toBe('name == "eth5" && len > 100\n');
    expect(h.read('error_log')).toMatch(/event filter parse error: error: parse_error: Field not found/);
    h.write('events/net/xmit/filter', '0');
    expect(h.read('events/net/xmit/filter')).toBe('none\n');
  });

  it('bpf_trace_printk and stack output appear in the trace', () => {
    const h = host();
    h.printk('skb 0x1 dev 0x2 eth5\n');
    h.dumpStack();
    const lines = h.readPipe();
    expect(lines[0]).toBe(
      '          netsim-77      [000] .....     1.000000: bpf_trace_printk: skb 0x1 dev 0x2 eth5',
    );
    expect(lines[1]).toBe(
      '          netsim-77      [000] .....     1.000001: <stack trace>\n => kfree_skb (host.js:10:3)\n => main (host.js:20:1)',
    );
  });

  it('trace_pipe blocks until data arrives', async () => {
    const h = host();
    const ev = h.defineEvent('a', 'b', 'int x;');
    h.enable(ev);
    const it = h.tracePipe();
    const next = it.next();
    let done = false;
    next.then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    ev.emit(7);
    const r = await next;
    expect(r.value).toMatch(/b: x=7$/);
    await it.return(undefined);
  });
});
