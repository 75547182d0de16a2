import { describe, expect, it } from 'vitest';
import { FilterLoadError } from './bpf-filter.js';
import { netHost } from './testing/netsim.js';

const LOOP = 'r0 = 0\nloop:\nr0 += 1\nif r0 < 1000 goto loop\nexit\n';

describe('a faulting filter never harms the host', () => {
  it('keeps the event, counts the fault and logs it when a run exceeds its instruction limit', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: LOOP }, { instructionLimit: 100 });
    expect(f.engine).toBe('interp');
    expect(f.fallbacks.join('\n')).toMatch(/^wasm: .*instruction limit/m);
    expect(() => net.kfree_skb(net.netdev_alloc_skb(devices[6], 99))).not.toThrow();
    expect(host.consumeRecords()).toHaveLength(1);
    expect([kfreeSkb.filterErrors, host.filterFaults]).toEqual([1, 1]);
    expect(host.read('error_log')).toMatch(/filter skb\/kfree_skb: error: .*instruction/i);
    expect(host.read('buffer_stats')).toContain('filter faults: 1');
  });

  it('drops the event instead under the drop policy', () => {
    const { host, devices, net, kfreeSkb } = netHost({ faultPolicy: 'drop' });
    host.enable(kfreeSkb);
    host.write('events/skb/kfree_skb/filter', `#!bpf asm limit=50\n${LOOP}`);
    net.kfree_skb(net.netdev_alloc_skb(devices[1], 1));
    expect(host.consumeRecords()).toHaveLength(0);
    expect([host.filterFaults, kfreeSkb.filtered]).toEqual([1, 0]);
  });

  it.each(['interp', 'wasm', 'jit'] as const)('survives a helper that throws (%s)', (engine) => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.runtime.helpers.register({ id: 2000, name: 'boom', args: [], ret: 'integer' }, () => {
      throw new Error('kaboom');
    });
    host.enable(kfreeSkb);
    host.setBpfFilter(kfreeSkb, { kind: 'asm', text: 'call 2000\nr0 = 0\nexit\n' }, { engine });
    for (let i = 0; i < 3; i++) net.kfree_skb(net.netdev_alloc_skb(devices[2], 1));
    expect(host.consumeRecords()).toHaveLength(3);
    expect(host.filterFaults).toBe(3);
    expect(host.read('error_log')).toContain('kaboom');
  });

  it('rejects programs that write the context or host memory', () => {
    const { host, kfreeSkb } = netHost();
    const attempts = [
      '*(u64 *)(r1 + 104) = 1\nr0 = 0\nexit\n', // pt_regs is read-only
      'r6 = *(u64 *)(r1 + 104)\n*(u64 *)(r6 + 0) = 1\nr0 = 0\nexit\n', // a host pointer is a scalar
    ];
    for (const text of attempts) {
      expect(() => host.setBpfFilter(kfreeSkb, { kind: 'asm', text })).toThrow(FilterLoadError);
    }
    expect(host.read('events/skb/kfree_skb/filter')).toBe('none\n');
  });
});

/** Print r3 with trace_printk("t %llu"), after `body` put the value in r3. */
function printU64(body: string, fmtWords = ['0x6c252074', '0x0000756c']): string {
  return `${body}\n*(u32 *)(r10 - 8) = ${fmtWords[0]}\n*(u32 *)(r10 - 4) = ${fmtWords[1]}\nr1 = r10\nr1 += -8\nr2 = 8\nr4 = 0\nr5 = 0\ncall 6\nr0 = 0\nexit\n`;
}

describe.each(['interp', 'wasm', 'jit'] as const)('tracing helpers (%s)', (engine) => {
  function run(text: string): string[] {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    host.setBpfFilter(kfreeSkb, { kind: 'asm', text }, { engine });
    net.kfree_skb(net.netdev_alloc_skb(devices[6], 10));
    return host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2));
  }

  it('get_current_pid_tgid and get_smp_processor_id describe this process', () => {
    expect(run(printU64('call 14\nr3 = r0'))).toEqual([`bpf_trace_printk: t ${77 * 2 ** 32 + 77}`]);
    expect(run(printU64('call 8\nr3 = r0'))).toEqual(['bpf_trace_printk: t 0']);
  });

  it('ktime_get_ns reads the seam clock', () => {
    const [line] = run(printU64('call 5\nr3 = r0'));
    const ns = Number(line.split(' ').pop());
    expect(ns).toBeGreaterThanOrEqual(1e9);
    expect(ns).toBeLessThan(1e9 + 1e6);
  });

  it('get_current_comm writes the task name', () => {
    const text =
      'r1 = r10\nr1 += -32\nr2 = 16\ncall 16\nr3 = r10\nr3 += -32\n*(u32 *)(r10 - 8) = 0x73252063\n*(u32 *)(r10 - 4) = 0\nr1 = r10\nr1 += -8\nr2 = 8\nr4 = 0\nr5 = 0\ncall 6\nr0 = 0\nexit\n';
    expect(run(text)).toEqual(['bpf_trace_printk: c netsim']);
  });

  it('probe_read_kernel reads the arena and returns -EFAULT outside it', () => {
    // dev->name's first 4 bytes as a u32, then a read of an unmapped address.
    const read = (src: string) =>
      `r6 = *(u64 *)(r1 + 104)\n*(u64 *)(r10 - 16) = 0\nr1 = r10\nr1 += -16\nr2 = 4\nr3 = ${src}\ncall 113\nr7 = r0\nr3 = *(u32 *)(r10 - 16)\n`;
    expect(run(printU64(read('r6')))).toEqual([`bpf_trace_printk: t ${0x35687465}`]);
    expect(run(printU64(`${read('0x1234')}r3 = r7`, ['0x6c252074', '0x0000646c']))).toEqual([
      'bpf_trace_printk: t -14',
    ]);
  });

  it('bpf_dump_stack writes the stack at the probe to the trace', () => {
    expect(run('call 1003\nr0 = 0\nexit\n')).toEqual([
      '<stack trace>\n => kfree_skb (host.js:10:3)\n => main (host.js:20:1)',
    ]);
  });
});
