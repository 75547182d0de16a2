import { readFileSync } from 'node:fs';
import { and, encode, exit, ldxw, mov, R0, R1 } from '@tbpf/isa';
import { JitPrepared } from '@tbpf/jit-x64';
import type { Engine } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_ORDER, ENGINES, FilterLoadError } from './bpf-filter.js';
import { netHost } from './testing/netsim.js';

/** The cover letter's filter in assembly: dev = ctx->regs.si; keep iff bpf_memcmp(dev->name, "eth5", 4) == 0. */
const ETH5_ASM = `
  r6 = *(u64 *)(r1 + 104)
  *(u32 *)(r10 - 8) = 0x35687465
  r1 = r6
  r2 = r10
  r2 += -8
  r3 = 4
  call 1001
  if r0 != 0 goto drop
  r0 = 1
  exit
drop:
  r0 = 0
  exit
`;

function traffic(
  net: ReturnType<typeof netHost>['net'],
  devices: ReturnType<typeof netHost>['devices'],
  n = 2,
) {
  for (let i = 0; i < n; i++) for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 64 + d.ifindex));
}

const ENGINE_NAMES = ['interp', 'wasm', 'jit'] as const;

describe.each(ENGINE_NAMES)('BPF filters on %s', (engine) => {
  it('runs the RFC-form filter on a static tracepoint (ctx->regs.si = first argument)', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: ETH5_ASM }, { engine });
    expect(f.engine).toBe(engine);
    expect(host.read('events/skb/kfree_skb/filter')).toMatch(
      new RegExp(`^bpf: asm, 12 insns, ctx=pt_regs, engine=${engine}\\n$`),
    );
    traffic(net, devices);
    const names = host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+).*/, '$1'));
    expect(names).toEqual(['eth5', 'eth5']);
    expect(kfreeSkb.filtered).toBe(14);
  });

  it("gives a static event's pt_regs di = the context's own address, as the RFC did", () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    host.setBpfFilter(
      kfreeSkb,
      { kind: 'asm', text: 'r2 = *(u64 *)(r1 + 112)\nr0 = 0\nif r2 != r1 goto out\nr0 = 1\nout:\nexit\n' },
      { engine },
    );
    net.kfree_skb(net.netdev_alloc_skb(devices[2], 1));
    expect(host.consumeRecords()).toHaveLength(1);
  });

  it('runs a Linux-style tracepoint program on the record', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const len = kfreeSkb.field('len')?.offset;
    const asm = `r2 = *(u32 *)(r1 + ${len})\nr0 = 0\nif r2 < 70 goto out\nr0 = 1\nout:\nexit\n`;
    // It reads len only: the context gets len (and the header) before each run, a kept event
    // its whole record in the buffer.
    const f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: asm }, { engine, ctx: 'record' });
    expect(f.partial).toBe(true);
    traffic(net, devices, 1);
    expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+) len=(\d+).*/, '$1:$2'))).toEqual([
      'eth4:70',
      'eth5:71',
      'eth6:72',
    ]);
  });

  it('fills the whole record when the program hands the context to a helper', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    const name = kfreeSkb.field('name')?.offset;
    // bpf_probe_read_kernel(fp-16, 16, ctx + name): keep eth5 ("eth5" = 0x35687465).
    const asm = `r3 = r1\nr3 += ${name}\nr1 = r10\nr1 += -16\nr2 = 16\ncall 113\nr1 = *(u32 *)(r10 - 16)\nr0 = 0\nif r1 != 0x35687465 goto out\nr0 = 1\nout:\nexit\n`;
    const f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: asm }, { engine, ctx: 'record' });
    expect(f.partial).toBe(false);
    traffic(net, devices, 1);
    expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+).*/, '$1'))).toEqual(['eth5']);
  });
});

describe('filter replacement and safety', () => {
  it('is atomic: a rejected program keeps the previous filter and returns the log', () => {
    const { host, kfreeSkb } = netHost();
    host.write('events/skb/kfree_skb/filter', 'len > 100');
    let err: unknown;
    try {
      host.setBpfFilter(kfreeSkb, { kind: 'asm', text: 'r0 = *(u64 *)(r1 + 200)\nexit\n' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterLoadError);
    expect((err as FilterLoadError).stage).toBe('verify');
    expect((err as FilterLoadError).log).toMatch(/invalid bpf_context access|ctx/);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('len > 100\n');
    expect(() => host.write('events/skb/kfree_skb/filter', '#!bpf asm\nr0 = r5\nexit\n')).toThrow(
      /R5 !read_ok/,
    );
    expect(host.read('events/skb/kfree_skb/filter')).toBe('len > 100\n');
    host.write('events/skb/kfree_skb/filter', '#!bpf asm engine=interp\nr0 = 1\nexit\n');
    expect(host.read('events/skb/kfree_skb/filter')).toMatch(/engine=interp/);
    host.write('events/skb/kfree_skb/filter', '0');
    expect(host.read('events/skb/kfree_skb/filter')).toBe('none\n');
  });

  it('refuses a write to read-only data (.rodata), as tbpf verify and Linux do', () => {
    const { host, kfreeSkb } = netHost();
    const source = `#include <tbpf/bpf_helpers.h>
static volatile const int limit = 5;
SEC("kprobe/x")
int f(void *ctx) {
  *(volatile int *)&limit = 99;
  return limit;
}
`;
    expect(() => host.setBpfFilter(kfreeSkb, { kind: 'c', source })).toThrow(
      expect.objectContaining({
        stage: 'verify',
        message: expect.stringMatching(/write into map forbidden/),
      }),
    );
  });
});

describe('hardening', () => {
  /** An immediate the JIT would otherwise copy into executable memory as these 4 bytes. */
  const SPRAY = 0x1badc0de;
  const code = (f: { prepared: unknown } | null) => {
    if (!(f?.prepared instanceof JitPrepared)) throw new Error('not on the JIT');
    return Buffer.from(f.prepared.compiled.code);
  };
  const sprayed = (bytes: Buffer) => bytes.includes(Buffer.from(Uint32Array.of(SPRAY).buffer));
  const text = `r0 = ${SPRAY}\nr0 &= 1\nexit\n`;

  it('blinds the constants of a filter written to the control plane on the JIT', () => {
    const { host, kfreeSkb } = netHost();
    host.write('events/skb/kfree_skb/filter', `#!bpf asm engine=jit\n${text}`);
    expect(sprayed(code(kfreeSkb.bpf))).toBe(false);
    // The host's own filters may opt out; then the constant is there verbatim.
    const own = host.setBpfFilter(kfreeSkb, { kind: 'asm', text }, { engine: 'jit', blind: false });
    expect(sprayed(code(own))).toBe(true);
  });

  it('maps the JIT code of a filter write-xor-execute', () => {
    const { host, kfreeSkb } = netHost();
    host.write('events/skb/kfree_skb/filter', `#!bpf asm engine=jit\n${text}`);
    const prepared = kfreeSkb.bpf?.prepared as JitPrepared;
    const at = prepared.codeAddress;
    const mapping = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .find(([range]) => {
        const [lo, hi] = (range ?? '').split('-').map((x) => BigInt(`0x${x || 0}`));
        return lo <= at && at < hi;
      });
    expect(mapping?.[1]).toBe('r-xp');
  });
});

describe('raw instruction bytes', () => {
  it('loads little-endian instruction bytes, from the API and a #!bpf raw write', () => {
    const { host, devices, net, kfreeSkb } = netHost();
    host.enable(kfreeSkb);
    // r0 = *(u32 *)(r1 + 96) (ctx->regs.dx, the skb's low half); r0 &= 0; exit: drop everything.
    const bytes = encode([ldxw(R0, R1, 96), and.imm(R0, 0), exit()]);
    const f = host.setBpfFilter(kfreeSkb, { kind: 'raw', bytes });
    expect(f.description).toMatch(/^bpf: raw, 3 insns/);
    net.kfree_skb(net.netdev_alloc_skb(devices[3], 1));
    expect(host.consumeRecords()).toHaveLength(0);
    const keep = encode([mov.imm(R0, 1), exit()]);
    const head = new TextEncoder().encode('#!bpf raw engine=interp\n');
    host.write('events/skb/kfree_skb/filter', new Uint8Array([...head, ...keep]));
    net.kfree_skb(net.netdev_alloc_skb(devices[3], 1));
    expect(host.consumeRecords()).toHaveLength(1);
    expect(() => host.write('events/skb/kfree_skb/filter', new Uint8Array([...head, 1, 2, 3]))).toThrow(
      /filter/,
    );
    expect(host.read('events/skb/kfree_skb/filter')).toMatch(
      /^bpf: raw, 2 insns, ctx=pt_regs, engine=interp/,
    );
  });
});

describe('engine choice', () => {
  it('falls back in the documented order when an engine is unavailable, keeping the reasons', () => {
    const saved = { ...ENGINES };
    const unavailable = (name: 'wasm' | 'jit') => ({
      ...(saved[name] as Engine),
      name,
      available: () => ({ ok: false as const, reason: `${name} switched off for this test` }),
    });
    try {
      ENGINES.wasm = unavailable('wasm');
      const { host, kfreeSkb } = netHost();
      let f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: 'r0 = 1\nexit\n' });
      expect(DEFAULT_ENGINE_ORDER).toEqual(['wasm', 'jit', 'interp']);
      expect(f.engine).toBe('jit');
      expect(f.fallbacks).toEqual(['wasm: wasm switched off for this test']);
      ENGINES.jit = unavailable('jit');
      f = host.setBpfFilter(kfreeSkb, { kind: 'asm', text: 'r0 = 1\nexit\n' });
      expect(f.engine).toBe('interp');
      expect(f.fallbacks).toHaveLength(2);
      expect(() =>
        host.setBpfFilter(kfreeSkb, { kind: 'asm', text: 'r0 = 1\nexit\n' }, { engine: 'jit' }),
      ).toThrow(/the jit engine cannot run the program: jit switched off for this test/);
      expect(host.read('events/skb/kfree_skb/filter')).toMatch(/engine=interp/);
    } finally {
      Object.assign(ENGINES, saved);
    }
  });

  it.each([
    ['#!bpf asm engine=gpu\nr0 = 1\nexit\n', /unknown engine 'gpu'/],
    ['#!bpf asm ctx=stack\nr0 = 1\nexit\n', /unknown ctx 'stack'/],
    ['#!bpf asm colour=red\nr0 = 1\nexit\n', /unknown filter option 'colour'/],
    ['#!bpf\nr0 = 1\nexit\n', /needs a language: c, asm or raw/],
    ['#!bpf asm limit=0\nr0 = 1\nexit\n', /limit must be a positive integer/],
    ['#!bpf asm\nr0 = \nexit\n', /filter/],
  ])('rejects the filter write %j', (text, message) => {
    const { host } = netHost();
    expect(() => host.write('events/skb/kfree_skb/filter', text)).toThrow(message);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('none\n');
  });
});
