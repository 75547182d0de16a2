import { readFileSync } from 'node:fs';
import { rfcCoverLetterFilter } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { analyse, LOG_HEAD, LOG_TAIL } from './analyse.js';
import { EXAMPLES, type Example } from './examples.js';
import type { AnalyseRequest } from './protocol.js';

function request(e: Example, over: Partial<AnalyseRequest> = {}): AnalyseRequest {
  return {
    source: e.source,
    lang: e.lang,
    type: e.type,
    logLevel: 2,
    execute: true,
    timingBudgetMs: 0,
    run: {
      engine: 'wasm',
      fields: e.fields ?? {},
      ctxHex: e.ctxHex ?? '',
      packetHex: e.packetHex ?? '',
      repeat: e.repeat ?? 1,
    },
    ...over,
  };
}
const example = (id: string) => EXAMPLES.find((e) => e.id === id)!;

describe('examples', () => {
  it("the RFC's filter is the cover letter's, after one #include", () => {
    const letter = readFileSync(rfcCoverLetterFilter, 'utf8');
    expect(example('rfc-filter').source).toBe(`#include <tbpf/rfc2013.h>\n\n${letter}`);
  });

  it.each(
    EXAMPLES.map((e) => [e.id, e] as const),
  )('%s compiles, and verifies unless meant to be rejected', (id, e) => {
    const a = analyse(request(e)).analysis;
    expect(a.diagnostics.filter((d) => d.source !== 'verifier' && d.severity === 'error')).toEqual([]);
    expect(a.verifier?.accepted).toBe(id !== 'rejected');
    expect(a.listing.some((l) => l.kind === 'insn')).toBe(true);
    if (id !== 'rejected') expect(a.run?.error).toBeUndefined();
  });
});

describe('analyse', () => {
  it("runs the RFC's filter: trace_printk only for eth5, on both engines", () => {
    for (const engine of ['wasm', 'interp'] as const) {
      const e = example('rfc-filter');
      const hit = analyse(
        request(e, { run: { engine, fields: { si: '"eth5"' }, ctxHex: '', packetHex: '', repeat: 1 } }),
      ).analysis;
      expect(hit.typeName).toBe('kprobe');
      expect(hit.run).toMatchObject({ r0: '0', engine, runs: 1 });
      expect(hit.run?.printk).toHaveLength(1);
      expect(hit.run?.printk[0]).toMatch(/skb .* dev .* eth5/);
      const miss = analyse(
        request(e, { run: { engine, fields: { si: '"eth0"' }, ctxHex: '', packetHex: '', repeat: 1 } }),
      ).analysis;
      expect(miss.run?.printk).toEqual([]);
    }
  });

  it("shows the counter's maps after the runs, decoded from BTF", () => {
    const a = analyse(
      request(example('rfc-counter'), {
        run: { engine: 'wasm', fields: { si: '"eth5"', dx: '1500' }, ctxHex: '', packetHex: '', repeat: 3 },
      }),
    ).analysis;
    const pkts = a.run?.maps.find((m) => m.name === 'pkts');
    expect(pkts?.entries).toEqual([['{ name: "eth5" }', '3']]);
    const hist = a.run?.maps.find((m) => m.name === 'len_log2');
    expect(hist?.entries[10]).toEqual(['10', '3']); // 1500 is in [1024, 2048)
    expect(a.maps.find((m) => m.name === 'pkts')?.entries).toEqual([]); // before the run
  });

  it('runs the XDP example on its packet: TTL decremented with a right checksum, protocols counted, port 53 dropped', () => {
    const e = example('xdp');
    const packetHex = e.packetHex ?? '';
    for (const engine of ['wasm', 'interp'] as const) {
      const run = (hex: string, fields: Record<string, string> = {}) =>
        analyse(request(e, { run: { engine, fields, ctxHex: '', packetHex: hex, repeat: 2 } })).analysis;
      const a = run(packetHex);
      expect(a.typeName).toBe('xdp');
      expect(a.context).toMatchObject({ kind: 'packet', packet: 'xdp' });
      expect(a.run).toMatchObject({ r0: '3', packet: { retval: 3 } }); // XDP_TX
      const out = Uint8Array.from(a.run?.packet?.data.split(' ') ?? [], (b) => Number.parseInt(b, 16));
      expect(out[22]).toBe(63); // TTL 64 → 63
      let sum = 0; // the IPv4 header's one's-complement sum is 0xffff when its checksum is right
      for (let i = 14; i < 34; i += 2) sum += (out[i] << 8) | out[i + 1];
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      expect(sum).toBe(0xffff);
      expect(a.run?.maps.find((m) => m.name === 'protocols')?.entries).toContainEqual(['17', '2']);
      const dns = run(packetHex.replace('12 b5', '00 35'));
      expect(dns.run?.packet?.retval).toBe(1); // XDP_DROP
      // ctx_in fields as the kernel checks them: xdp_md.data is the metadata's length.
      expect(run(packetHex, { data: '3' }).run?.error).toMatch(/multiple of 4/);
      expect(run('00 11').run?.error).toMatch(/EINVAL/);
    }
  });

  it('puts a rejection on the source line of the rejected instruction, with the state there', () => {
    const e = example('rejected');
    const s = analyse(request(e));
    const a = s.analysis;
    const line = e.source.split('\n').findIndex((l) => l.includes('*count += 1;')) + 1;
    expect(a.verifier?.accepted).toBe(false);
    expect(a.verifier?.reason).toMatch(/invalid mem access 'map_value_or_null'/);
    expect(a.verifier?.line).toBe(line);
    expect(a.diagnostics).toContainEqual(
      expect.objectContaining({ source: 'verifier', severity: 'error', line }),
    );
    const insn = a.verifier?.insn ?? -1;
    expect(a.listing.find((l) => l.kind === 'insn' && l.insn === insn)).toMatchObject({ line });
    const states = s.states(insn);
    expect(states.visits).toBe(1);
    expect(states.states[0][0].regs.find((r) => r.regno === 0)?.value).toMatch(/^map_value_or_null/);
    expect(a.verifier?.log.filter((l) => l.kind === 'error').map((l) => l.insn)).toEqual([insn]);
  });

  it('links assembly instructions to their lines, and reports assembler errors at line:column', () => {
    const e = example('asm-ubpf');
    const a = analyse(request(e)).analysis;
    expect(a.typeName).toBe('raw');
    expect(a.run?.r0).toBe('1');
    const lines = a.listing.flatMap((l) => (l.kind === 'insn' ? [l.line] : []));
    expect(lines).toEqual([2, 3, 4, 5, 7, 8]);
    const bad = analyse(request(e, { source: 'mov %r0, 1\nldxw %r0, [%x1+0]\nexit\n' })).analysis;
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({ source: 'assembler', severity: 'error', line: 2, column: 12 }),
    ]);
  });

  it('keeps the head and the tail of a long log, and the states of the first visits of a loop', () => {
    const loop = example('loop');
    const s = analyse(
      request(loop, { source: loop.source.replace('n > 64', 'n > 2000').replace('n = 64', 'n = 2000') }),
    );
    const v = s.analysis.verifier;
    expect(v?.accepted).toBe(true);
    expect(v?.log).toHaveLength(LOG_HEAD + 1 + LOG_TAIL);
    expect(v?.log[LOG_HEAD].text).toMatch(/^… \d+ lines not shown …$/);
    expect(v?.log.at(-1)?.kind).toBe('stats');
    const body = Math.max(...(v?.visits ?? []));
    expect(body).toBeGreaterThan(1000);
    const hot = v?.visits.indexOf(body) ?? -1;
    expect(s.states(hot)).toMatchObject({ visits: body });
    expect(s.states(hot).states).toHaveLength(8);
  });

  it('lists every program of an object and analyses the one asked for', () => {
    const source = [
      '#include <tbpf/bpf_helpers.h>',
      'SEC("xdp") int pass(void *ctx) { return 2; }',
      'SEC("socket") int keep(void *ctx) { return 64; }',
    ].join('\n');
    const base = request(example('loop'), { source });
    expect(analyse(base).analysis).toMatchObject({ program: { name: 'pass' }, typeName: 'xdp' });
    const second = analyse({ ...base, program: 'keep' }).analysis;
    expect(second.programs).toEqual([
      { name: 'pass', section: 'xdp' },
      { name: 'keep', section: 'socket' },
    ]);
    expect(second).toMatchObject({ program: { name: 'keep', section: 'socket' }, typeName: 'socket_filter' });
    expect(second.run?.r0).toBe('64');
  });

  it('reports compiler errors at line:column and verifies as the type asked for', () => {
    const bad = analyse(request(example('loop'), { source: 'int f(void) { return x; }\n' })).analysis;
    expect(bad.diagnostics[0]).toMatchObject({ source: 'compiler', severity: 'error', line: 1, column: 22 });
    const xdp = analyse(request(example('asm-ubpf'), { type: 'xdp' })).analysis;
    expect(xdp.typeName).toBe('xdp');
    expect(xdp.context.kind).toBe('packet');
  });
});
