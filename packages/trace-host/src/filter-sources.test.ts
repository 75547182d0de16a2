import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterEx1Image } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { netHost } from './testing/netsim.js';

/** A Linux-style kprobe program (pt_regs context) that counts per ifindex and keeps eth5 only. */
export const COUNT_ETH5_C = `
typedef unsigned long long u64;
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
struct net_device { char name[16]; int ifindex; unsigned int mtu; };
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, u64 flags) = (void *)2;
static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;
struct {
  __uint(type, 1);
  __uint(max_entries, 64);
  __type(key, int);
  __type(value, u64);
} counts SEC(".maps");

SEC("kprobe/kfree_skb")
int count_eth5(struct pt_regs *ctx) {
  struct net_device *dev = (void *)ctx->si;
  char name[16];
  int idx = 0;
  u64 one = 1, *v;
  bpf_probe_read_kernel(name, sizeof(name), dev->name);
  bpf_probe_read_kernel(&idx, sizeof(idx), &dev->ifindex);
  v = bpf_map_lookup_elem(&counts, &idx);
  if (v) __sync_fetch_and_add(v, 1);
  else bpf_map_update_elem(&counts, &idx, &one, 0);
  return name[0] == 'e' && name[1] == 't' && name[2] == 'h' && name[3] == '5' && name[4] == 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

/** The 2013 cover letter's filter, verbatim but for the include that declares its helpers. */
export const RFC_COVER_LETTER_C = `#include <tbpf/rfc2013.h>
void filter(struct bpf_context *ctx)
{
char devname[4] = "eth5";
struct net_device *dev;
struct sk_buff *skb = 0;
dev = (struct net_device *)ctx->regs.si;
if (bpf_memcmp(dev->name, devname, 4) == 0) {
char fmt[] = "skb %p dev %p eth5\\n";
bpf_trace_printk(fmt, skb, dev, 0, 0);
}
}
`;

describe('filters from C, compiled in process', () => {
  it.each([
    'interp',
    'wasm',
    'jit',
  ] as const)("runs the cover letter's filter unchanged on a static event (%s)", (engine) => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const f = host.setBpfFilter(kfreeSkb, { kind: 'c', source: RFC_COVER_LETTER_C }, { engine });
    expect(f.program.origin).toBe('c');
    for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 60));
    const lines = host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2));
    expect(lines).toEqual([`bpf_trace_printk: skb 0x0 dev 0x${devices[6].address.toString(16)} eth5`]);
    expect(kfreeSkb.filtered).toBe(8);
  });

  it('compiles the counting filter and dumps its map', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    host.write('events/skb/kfree_skb/filter', `#!bpf c\n${COUNT_ETH5_C}`);
    for (const d of devices) for (let i = 0; i <= d.ifindex; i++) net.kfree_skb(net.netdev_alloc_skb(d, 60));
    expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+).*/, '$1'))).toEqual(
      Array(8).fill('eth5'),
    );
    expect(host.read('maps/counts')).toBe(
      devices.map((d) => `@counts[${d.ifindex}]: ${d.ifindex + 1}\n`).join(''),
    );
    // JSON types by size: the int key a number, the u64 count a string.
    const json = JSON.parse(host.read('maps/counts/json')) as { key: number; value: string }[];
    expect(json.sort((a, b) => a.key - b.key)).toEqual(
      devices.map((d) => ({ key: d.ifindex, value: String(d.ifindex + 1) })),
    );
  });

  it.each([
    'interp',
    'wasm',
    'jit',
  ] as const)('runs a Linux-style tracepoint program in C on the record (%s)', (engine) => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const src = `#include <tbpf/bpf_helpers.h>
struct kfree_skb_record {
  unsigned short common_type; unsigned char common_flags; unsigned char common_preempt_count; int common_pid;
  void *skbaddr; void *location; unsigned short protocol; char name[16]; unsigned int len;
};
SEC("tracepoint/skb/kfree_skb")
int keep_eth5_long(struct kfree_skb_record *ctx) {
  return ctx->name[0] == 'e' && ctx->name[3] == '5' && ctx->len > 100;
}
char LICENSE[] SEC("license") = "GPL";
`;
    const f = host.setBpfFilter(kfreeSkb, { kind: 'c', source: src }, { engine });
    expect(f.description).toMatch(/ctx=record/);
    for (const len of [50, 150]) for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, len));
    expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+) len=(\d+)$/, '$1:$2'))).toEqual([
      'eth5:150',
    ]);
  });

  it('sends records to a BPF ring buffer map, drained through maps/<name>', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const src = `#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>
struct net_device { char name[16]; int ifindex; unsigned int mtu; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");
SEC("kprobe/kfree_skb")
int out(struct pt_regs *ctx) {
  struct net_device *dev = (struct net_device *)ctx->si;
  int idx = 0;
  bpf_probe_read_kernel(&idx, sizeof(idx), &dev->ifindex);
  bpf_ringbuf_output(&events, &idx, sizeof(idx), 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;
    host.setBpfFilter(kfreeSkb, { kind: 'c', source: src });
    for (const d of devices.slice(5)) net.kfree_skb(net.netdev_alloc_skb(d, 1));
    expect(host.read('maps/events')).toBe(
      '@events: 06 00 00 00\n@events: 07 00 00 00\n@events: 08 00 00 00\n',
    );
    expect(host.read('maps/events')).toBe('');
    expect(host.consumeRecords()).toHaveLength(0);
  });

  it('reports compile errors with their location and keeps the old filter', () => {
    const { host } = netHost();
    host.write('events/skb/kfree_skb/filter', 'len > 5');
    expect(() =>
      host.write('events/skb/kfree_skb/filter', '#!bpf c\nint f(struct pt_regs *ctx) { return x; }\n'),
    ).toThrow(/filter\.c:1:\d+: .*x/);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('len > 5\n');
  });
});

describe('filters from objects and images', () => {
  it.skipIf(!haveTool('clang-19'))('loads a clang-19-built ELF object, with its map', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbpf-th-'));
    writeFileSync(join(dir, 'f.c'), COUNT_ETH5_C);
    execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', '-c', join(dir, 'f.c'), '-o', join(dir, 'f.o')]);
    const elf = new Uint8Array(readFileSync(join(dir, 'f.o')));
    for (const engine of ['interp', 'wasm', 'jit'] as const) {
      const { host, devices, net, kfreeSkb } = netHost();
      host.enable(kfreeSkb);
      const f = host.setBpfFilter(kfreeSkb, { kind: 'elf', bytes: elf }, { engine });
      expect(f.program.section).toBe('kprobe/kfree_skb');
      for (let i = 0; i < 3; i++) for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 100));
      expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+).*/, '$1'))).toEqual([
        'eth5',
        'eth5',
        'eth5',
      ]);
      expect(host.control.list('maps')).toEqual(['counts']);
      expect(host.read('maps/counts')).toBe(devices.map((d) => `@counts[${d.ifindex}]: 3\n`).join(''));
      // Written through the control plane as bytes, the same object replaces the filter and keeps the map.
      host.write('events/skb/kfree_skb/filter', elf);
      expect(host.read('events/skb/kfree_skb/filter')).toMatch(
        /^bpf: elf kprobe\/kfree_skb, \d+ insns, ctx=pt_regs, engine=wasm/,
      );
      net.kfree_skb(net.netdev_alloc_skb(devices[6], 1));
      expect(host.read('maps/counts')).toContain('@counts[7]: 4');
    }
  });

  it("runs the RFC's filter_ex1 image: printk output is the product, events are dropped", () => {
    const { host, kfreeSkb } = netHost();
    host.declare('struct rfc_skb { char pad[32]; struct net_device *dev; };');
    const ev = host.defineEvent('net', 'netif_receive_skb', 'void *skbaddr;');
    host.enable(ev);
    host.write('events/net/netif_receive_skb/filter', filterEx1Image());
    expect(host.read('events/net/netif_receive_skb/filter')).toMatch(
      /^bpf: rfc-image, \d+ insns, ctx=pt_regs, engine=wasm/,
    );
    const lo = host.arena.alloc('net_device');
    lo.name = 'lo';
    const eth0 = host.arena.alloc('net_device');
    eth0.name = 'eth0';
    for (const dev of [lo, eth0, lo]) {
      const skb = host.arena.alloc('rfc_skb');
      skb.dev = dev;
      ev.emit(skb);
    }
    const lines = host.readPipe().map((l) => l.slice(l.indexOf(': ') + 2));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^bpf_trace_printk: skb 0x[0-9a-f]+ dev 0x${lo.address.toString(16)} ?$`),
    );
    expect(ev.filtered).toBe(3);
    expect(kfreeSkb.enabled).toBe(false);
  });
});
