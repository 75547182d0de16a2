/**
 * CO-RE against the host: one compiled filter (tbpf cc, and clang-19 as the oracle) runs against
 * hosts whose event records and declared structs have other layouts — fields reordered, added,
 * widened, missing — and reads the right values on every engine, as libbpf relocates a program
 * against the kernel it loads into.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '@tbpf/cc-frontend';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import type { FilterSource } from './bpf-filter.js';
import { FilterLoadError } from './filter-program.js';
import { fakeSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

const clang = haveTool('clang-19');

const PRELUDE = `
typedef unsigned long long u64;
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define CORE __attribute__((preserve_access_index))
#define FIELD_EXISTS(f) __builtin_preserve_field_info(f, 2)
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, u64 flags) = (void *)2;
static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *)113;
struct { __uint(type, 2); __uint(max_entries, 8); __type(key, int); __type(value, u64); } out SEC(".maps");
#define PUT(k, v) do { int key_ = (k); u64 val_ = (v); bpf_map_update_elem(&out, &key_, &val_, 0); } while (0)
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
`;

/** Linux's name for the record of event `xmit`, as the filter's author's headers had it. */
const RECORD_FILTER = `${PRELUDE}
struct trace_entry { unsigned short type; unsigned char flags; unsigned char preempt_count; int pid; };
struct trace_event_raw_xmit {
  struct trace_entry ent;
  unsigned int len;
  unsigned short port;
  char name[8];
  unsigned int gone;
} CORE;

SEC("tp/net/xmit")
int xmit(struct trace_event_raw_xmit *ctx) {
  PUT(0, ctx->len);
  PUT(1, ctx->port);
  PUT(2, ctx->name[1]);
  PUT(3, ctx->ent.pid);
  if (FIELD_EXISTS(ctx->gone)) PUT(4, ctx->gone); else PUT(4, 777);
  return 1;
}
`;

/** A host struct read through bpf_probe_read_kernel at relocated addresses (the RFC's pt_regs form). */
const ARENA_FILTER = `${PRELUDE}
struct conn { unsigned int id; unsigned short port; char tag[4]; } CORE;
enum conn_state { CONN_OPEN = 1, CONN_CLOSED = 2 };

SEC("kprobe/conn_open")
int conn_open(struct pt_regs *ctx) {
  struct conn *c = (void *)ctx->si;
  unsigned int id = 0;
  unsigned short port = 0;
  char t = 0;
  bpf_probe_read_kernel(&id, sizeof(id), &c->id);
  bpf_probe_read_kernel(&port, sizeof(port), &c->port);
  bpf_probe_read_kernel(&t, 1, &c->tag[2]);
  PUT(0, id);
  PUT(1, port);
  PUT(2, t);
  PUT(3, __builtin_preserve_enum_value(*(enum conn_state *)CONN_CLOSED, 1));
  PUT(4, __builtin_preserve_type_info(*(struct conn *)0, 1));
  return 1;
}
`;

/** The same C compiled by tbpf cc and (when installed) by clang-19. */
function objects(source: string): [string, Uint8Array][] {
  const r = compile(source, { fileName: 'filter.c' });
  if (!r.bytes) throw new Error(r.messages);
  const out: [string, Uint8Array][] = [['tbpf cc', r.bytes]];
  if (clang) {
    const dir = mkdtempSync(join(tmpdir(), 'tbpf-core-'));
    writeFileSync(join(dir, 'f.c'), source);
    execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', '-c', join(dir, 'f.c'), '-o', join(dir, 'f.o')]);
    out.push(['clang-19', new Uint8Array(readFileSync(join(dir, 'f.o')))]);
  }
  return out;
}

/** The filter's `out` map as key → value. */
function outMap(host: TraceHost): Record<number, string> {
  const entries = JSON.parse(host.read('maps/out/json')) as { key: number; value: string | number }[];
  return Object.fromEntries(
    entries.filter((e) => String(e.value) !== '0').map((e) => [e.key, String(e.value)]),
  );
}

const ENGINES = ['interp', 'wasm', 'jit'] as const;

describe('CO-RE against the host: the event record', () => {
  // The filter's own layout, then one with the fields reordered, one added, len widened to 8
  // bytes (an unsigned integer: the load is resized, as libbpf does) and `gone` missing.
  // emit(len, port, name, extra) fills each layout's fields by name.
  const field = (name: string, type: string) => ({
    name,
    type,
    from: ['len', 'port', 'name', 'gone'].indexOf(name),
  });
  const hosts = {
    same: {
      fields: [
        field('len', 'unsigned int'),
        field('port', 'unsigned short'),
        field('name', 'char[8]'),
        field('gone', 'unsigned int'),
      ],
      gone: true,
    },
    moved: {
      fields: [
        field('name', 'char[8]'),
        { name: 'extra', type: 'unsigned int', from: 3 },
        field('port', 'unsigned short'),
        field('len', 'unsigned long'),
      ],
      gone: false,
    },
  };
  for (const [compiler, bytes] of objects(RECORD_FILTER))
    for (const [layout, { fields, gone }] of Object.entries(hosts))
      it(`${compiler} object, ${layout} layout: the right fields on every engine`, () => {
        for (const engine of ENGINES) {
          const host = new TraceHost({ seam: fakeSeam({ pid: 4242 }) });
          const ev = host.defineEvent('net', 'xmit', fields);
          const len = gone ? 1500 : 2 ** 32 + 7;
          const f = host.setBpfFilter(ev, { kind: 'elf', bytes }, { engine });
          expect(f.engine).toBe(engine);
          host.enable(ev);
          ev.emit(len, 80, 'eth5', 9);
          expect(outMap(host)).toEqual({
            0: String(len),
            1: '80',
            2: String('t'.charCodeAt(0)),
            3: '4242',
            4: gone ? '9' : '777',
          });
        }
      });

  it('follows the same fields when the C filter is compiled by the host', () => {
    const host = new TraceHost({ seam: fakeSeam({ pid: 7 }) });
    const ev = host.defineEvent('net', 'xmit', hosts.moved.fields);
    host.setBpfFilter(ev, { kind: 'c', source: RECORD_FILTER });
    host.enable(ev);
    ev.emit(3, 443, 'lo');
    expect(outMap(host)).toEqual({ 0: '3', 1: '443', 2: String('o'.charCodeAt(0)), 3: '7', 4: '777' });
  });
});

describe('CO-RE against the host: declared structs in the arena', () => {
  // Each layout with its size and its value of CONN_CLOSED (the enum's values differ too).
  const layouts = {
    declared: {
      header:
        'struct conn { unsigned int id; unsigned short port; char tag[4]; }; enum conn_state { CONN_OPEN = 1, CONN_CLOSED = 2 };',
      size: 12,
      closed: 2,
    },
    reordered: {
      header:
        'struct conn { char tag[8]; unsigned long created; unsigned short port; unsigned int id; }; enum conn_state { CONN_NEW, CONN_OPEN = 10, CONN_CLOSED = 20 };',
      size: 24,
      closed: 20,
    },
  };
  for (const [compiler, bytes] of objects(ARENA_FILTER))
    for (const [layout, { header, size, closed }] of Object.entries(layouts))
      it(`${compiler} object, ${layout} struct conn: the right fields on every engine`, () => {
        for (const engine of ENGINES) {
          const host = new TraceHost({ seam: fakeSeam() });
          host.declare(header);
          const c = host.arena.alloc('conn') as unknown as {
            id: number;
            port: number;
            tag: string;
            address: bigint;
          };
          c.id = 0xc0ffee;
          c.port = 8080;
          c.tag = 'abcd';
          const ev = host.defineEvent('net', 'conn_open', [{ name: 'conn', type: 'void *' }]);
          host.setBpfFilter(ev, { kind: 'elf', bytes }, { engine, ctx: 'regs' });
          host.enable(ev);
          ev.emit(c);
          expect(outMap(host)).toEqual({
            0: String(0xc0ffee),
            1: '8080',
            2: String('c'.charCodeAt(0)),
            3: String(closed),
            4: String(size),
          });
        }
      });
});

describe('CO-RE relocations the host cannot satisfy', () => {
  const load = (fields: string, source: FilterSource) => {
    const host = new TraceHost({ seam: fakeSeam() });
    const ev = host.defineEvent('net', 'xmit', fields);
    return () => host.setBpfFilter(ev, source);
  };
  const unguarded = RECORD_FILTER.replace(
    'if (FIELD_EXISTS(ctx->gone)) PUT(4, ctx->gone); else PUT(4, 777);',
    'PUT(4, ctx->gone);',
  );

  it('refuses a reachable access to a missing field, naming the relocation (libbpf poisons it)', () => {
    const attempt = load('unsigned int len; unsigned short port; char name[8];', {
      kind: 'c',
      source: unguarded,
    });
    expect(attempt).toThrow(FilterLoadError);
    expect(attempt).toThrow(
      /invalid CO-RE relocation: relo #\d+: failed to resolve CO-RE relocation <field_byte_offset> \[\d+\] struct trace_event_raw_xmit\.gone \(0:4 @ offset 24\)/,
    );
  });

  it('poisons a signed field the host widened (its value cannot be read with a wider load)', () => {
    const signed = RECORD_FILTER.replace('unsigned int len;\n', 'int len;\n');
    const attempt = load('long len; unsigned short port; char name[8];', { kind: 'c', source: signed });
    expect(attempt).toThrow(/struct trace_event_raw_xmit\.len .*another size/);
  });

  it('accepts the widened field when it is unsigned, and reads it with an 8-byte load', () => {
    const host = new TraceHost({ seam: fakeSeam() });
    const ev = host.defineEvent('net', 'xmit', 'unsigned long len; unsigned short port; char name[8];');
    const f = host.setBpfFilter(ev, { kind: 'c', source: RECORD_FILTER });
    expect(
      f.program.insns.filter((i) => i.kind === 'ldx' && i.off === 8).map((i) => 'size' in i && i.size),
    ).toEqual([8]);
  });
});
