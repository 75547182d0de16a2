/**
 * The 2013 RFC's filter, compiled from the cover letter's text (third_party/rfc2013) with one
 * added include line,
 * and a filter_ex2-like per-device counter: both compile, pass tbpf's verifier as kprobe
 * programs, and do what they say in the vm.
 */
import { readFileSync } from 'node:fs';
import { linkProgram } from '@tbpf/asm';
import { rfcCoverLetterFilter } from '@tbpf/third-party';
import { kprobeType, standardHelperSet, verify } from '@tbpf/verifier';
import { interpreter, loadLinked, Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const coverLetterFilter = readFileSync(rfcCoverLetterFilter, 'utf8').trimEnd();
const filterEx2 = readFileSync(new URL('../examples/filter_ex2.c', import.meta.url), 'utf8');

function compileOk(source: string, fileName: string) {
  const r = compile(source, { fileName });
  expect(r.messages).toBe('');
  if (!r.object || !r.bytes) throw new Error(r.messages);
  return r as typeof r & { object: NonNullable<typeof r.object>; bytes: Uint8Array };
}

function verifyKprobe(obj: ReturnType<typeof compileOk>['object'], name: string) {
  const linked = linkProgram(obj, name);
  return verify(linked.insns, {
    type: kprobeType(standardHelperSet()),
    maps: linked.maps,
    lineInfo: linked.lineInfo,
  });
}

/** A pt_regs context (168 bytes, `ctx` its offset) with si pointing at a struct net_device named `dev`. */
function regsWithDevice(runtime: Runtime, devName: string): { ctx: number; dev: bigint } {
  const dev = new Uint8Array(16);
  dev.set(new TextEncoder().encode(devName));
  const devRegion = runtime.allocData(dev, 'net_device', 'context', false);
  const devAddr = BigInt(0x1_0000_0000 + devRegion.start);
  const regs = new Uint8Array(168);
  new DataView(regs.buffer).setBigUint64(104, devAddr, true);
  const ctx = runtime.allocData(regs, 'regs', 'context', false).start;
  return { ctx, dev: devAddr };
}

describe("the RFC's filter", () => {
  const source = `#include <tbpf/rfc2013.h>\n${coverLetterFilter}\n`;

  it('is the cover letter text plus one include line', () => {
    expect(source.split('\n').slice(1).join('\n')).toContain('bpf_trace_printk(fmt, skb, dev, 0, 0);');
    expect(source.split('\n')[0]).toBe('#include <tbpf/rfc2013.h>');
  });

  it('compiles, passes the verifier, and prints only for eth5', () => {
    const r = compileOk(source, 'filter.c');
    expect(r.object.functions.map((f) => f.name)).toEqual(['filter']);
    const v = verifyKprobe(r.object, 'filter');
    expect(v.accepted, v.log).toBe(true);
    const lines: string[] = [];
    for (const name of ['eth5', 'lo', 'eth50']) {
      const runtime = new Runtime({ printk: (l) => lines.push(l) });
      const prog = interpreter.prepare(loadLinked(runtime, linkProgram(r.object, 'filter')));
      const { ctx, dev } = regsWithDevice(runtime, name);
      prog.run(ctx);
      if (name !== 'lo') expect(lines.pop()).toBe(`skb 0x0 dev 0x${dev.toString(16)} eth5`);
    }
    expect(lines).toEqual([]);
  });
});

describe('filter_ex2 (per-device packet counter in a hash map)', () => {
  it('compiles with BTF map info, passes the verifier, and counts per device', () => {
    const r = compileOk(filterEx2, 'filter_ex2.c');
    expect(r.object.maps.map((m) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries])).toEqual([
      ['dev_counts', 'hash', 8, 8, 4096],
    ]);
    expect(r.object.programs.map((p) => [p.name, p.section])).toEqual([
      ['filter', 'tracepoint/net/netif_receive_skb'],
    ]);
    expect(r.object.license).toBe('GPL');
    expect(r.object.programs[0].lineInfo.length).toBeGreaterThan(5);
    const v = verifyKprobe(r.object, 'filter');
    expect(v.accepted, v.log).toBe(true);

    const runtime = new Runtime({ printk: () => {} });
    const prog = interpreter.prepare(loadLinked(runtime, linkProgram(r.object, 'filter')));
    const a = regsWithDevice(runtime, 'eth0');
    const b = regsWithDevice(runtime, 'eth1');
    for (let i = 0; i < 5; i++) prog.run(a.ctx);
    for (let i = 0; i < 3; i++) prog.run(b.ctx);
    const map = runtime.mapByName('dev_counts');
    if (!map) throw new Error('no map');
    const key = (addr: bigint) => {
      const k = new Uint8Array(8);
      new DataView(k.buffer).setBigUint64(0, addr, true);
      return k;
    };
    const count = (addr: bigint) => {
      const v = map.lookup(key(addr));
      return v ? new DataView(v.buffer, v.byteOffset).getBigUint64(0, true) : undefined;
    };
    // The first packet of a device creates its entry (count 0); later ones increment it.
    expect([count(a.dev), count(b.dev)]).toEqual([4n, 2n]);
  });
});
