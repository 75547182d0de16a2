/**
 * The parser campaign: seeded hostile inputs to everything a control-plane client can make the
 * host parse — ftrace predicates, kprobe_events lines, and `filter` writes carrying programs
 * (the `#!bpf` header, assembly, C through the compiler and its preprocessor, raw bytes, mutated
 * ELF objects and RFC images, then the verifier). Each input runs in a child process with a heap
 * limit and a time limit, as the host's filter worker bounds them. An input ends in a result, a
 * typed error, or its bound (stopped — counted and listed: what the host's worker would stop);
 * a finding is anything else: a plain `Error`, a `TypeError`/`RangeError` (a stack overflow
 * included), a JavaScript engine's message inside a typed error, a crash.
 */

import { filterEx1Image } from '@tbpf/asm';
import { compile } from '@tbpf/cc-frontend';
import { seededRandom } from '@tbpf/isa/testing';
import {
  compilePredicate,
  hostBtf,
  layoutFields,
  parseFilterWrite,
  parseKprobeCommand,
  planFilter,
} from '@tbpf/trace-host';
import { standardHelpers } from '@tbpf/vm';
import { runInChildren } from './campaign-runner.js';

export const PARSERS = [
  'predicate',
  'kprobe',
  'filter-asm',
  'filter-c',
  'filter-raw',
  'filter-elf',
  'filter-rfc',
] as const;
export type ParserName = (typeof PARSERS)[number];

const LAYOUT = layoutFields([
  { name: 'name', type: 'char[16]' },
  { name: 'len', type: 'unsigned int' },
  { name: 'delta', type: 'int' },
  { name: 'big', type: 'long' },
]);
const FIELDS = LAYOUT.fields;
/** The host's types a filter's CO-RE relocations resolve against (the event's record). */
const TARGET_BTF = hostBtf([], { name: 'kfree_skb', fields: FIELDS, recordSize: LAYOUT.size });
const HELPERS = standardHelpers()
  .list()
  .map((h) => h.proto);

/** Error classes that are a bug, not an answer. */
const UNTYPED = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
]);
/** A typed error whose message is a JavaScript engine's own: a bug wrapped, not an answer. */
const INTERNAL =
  /Maximum call stack|Cannot read propert|is not a function|is not iterable|Invalid array length|out of memory/i;

class Input {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  repeat(f: () => string, n: number, sep = ''): string {
    return Array.from({ length: n }, f).join(sep);
  }
  /** Random printable or control characters. */
  garbage(n: number): string {
    return this.repeat(() => String.fromCharCode(this.chance(0.9) ? 32 + this.int(95) : this.int(32)), n);
  }
  /** Sometimes insert, delete or replace a few characters. */
  mutate(text: string): string {
    let s = text;
    for (let k = this.int(4); k > 0; k--) {
      const at = this.int(s.length + 1);
      s = s.slice(0, at) + this.garbage(this.int(3)) + s.slice(at + this.int(3));
    }
    return s;
  }
}

function predicate(g: Input): string {
  const term = (): string => {
    const field = g.pick(['name', 'len', 'delta', 'big', 'common_pid', 'nope', '']);
    const op = g.pick(['==', '!=', '<', '<=', '>', '>=', '&', '~', '=', '>>', '']);
    const value = g.pick([
      String(g.int(1000)),
      `0x${g.int(2 ** 31).toString(16)}`,
      '-9223372036854775809',
      '18446744073709551616',
      `"${g.pick(['eth*', '[z-a]*', '[!e]?', '[', ']]', '\\', '*'.repeat(g.int(50)), g.garbage(8)])}"`,
      `'${g.garbage(6)}`,
      g.garbage(4),
    ]);
    return `${field} ${op} ${value}`;
  };
  const expr = (depth: number): string => {
    const r = g.rnd();
    if (depth > 6 || r < 0.4) return term();
    if (r < 0.6) return `(${expr(depth + 1)})`;
    if (r < 0.7) return `!${expr(depth + 1)}`;
    return `${expr(depth + 1)} ${g.pick(['&&', '||', '&', '|'])} ${expr(depth + 1)}`;
  };
  const r = g.rnd();
  if (r < 0.05) return `${'('.repeat(10_000 + g.int(50_000))}len > 1`;
  if (r < 0.1) return `${'!'.repeat(10_000 + g.int(50_000))}len > 1`;
  if (r < 0.15) return g.repeat(() => 'len > 1', 16_000 + g.int(2000), ' && ');
  return g.mutate(expr(0));
}

function kprobe(g: Input): string {
  const fetch = (depth: number): string => {
    const r = g.rnd();
    if (depth > 20 || r < 0.3)
      return g.pick([
        '%di',
        '%si',
        '%ax',
        '%zz',
        '$retval',
        '$comm',
        '$arg1',
        '$arg9',
        '\\-12',
        '\\0x10',
        '@sym',
      ]);
    return `${g.pick(['+', '-', '+u'])}${g.pick(['0', '8', '0x10', 'z'])}(${fetch(depth + 1)})`;
  };
  const args = g.repeat(
    () =>
      `${g.pick(['a', 'b', 'len', '9x', 'a'])}=${fetch(0)}${g.chance(0.5) ? `:${g.pick(['u8', 'u64', 's32', 'x16', 'string', 'u7', 'symbol'])}` : ''}`,
    g.int(6),
    ' ',
  );
  if (g.chance(0.05)) return `p:x f a=${'+0('.repeat(10_000)}%di${')'.repeat(10_000)}`;
  return g.mutate(
    `${g.pick(['p', 'r', 'q', '-', 'p:'])}:${g.pick(['grp/ev', 'ev', '9bad', ''])} ${g.pick(['netdev_alloc_skb', 'kfree_skb', 'mod:sym', '', '0xffff'])} ${args}`,
  );
}

const ASM_LINES = [
  'r0 = 1',
  'r0 = *(u64 *)(r1 + 8)',
  '*(u32 *)(r10 - 4) = r1',
  'call 1',
  'call 99999',
  'if r0 > 3 goto +1',
  'goto -1',
  'r1 = 0x100000000 ll',
  'lock *(u64 *)(r10 - 8) += r1',
  'callx r1',
  'exit',
  'mov %r0, 5',
  'ldxdw %r0, [%r1+8]',
  'l:',
  'ja l',
];

function filterAsm(g: Input): Uint8Array {
  const header = `#!bpf asm${g.chance(0.3) ? ` engine=${g.pick(['jit', 'wasm', 'interp', 'x'])}` : ''}${g.chance(0.2) ? ` limit=${g.pick(['0', '5', 'x'])}` : ''}${g.chance(0.2) ? ` ctx=${g.pick(['regs', 'record', 'y'])}` : ''}`;
  const body = g.repeat(() => g.mutate(g.pick(ASM_LINES)), 1 + g.int(40), '\n');
  return new TextEncoder().encode(`${header}\n${body}\n`);
}

const C_SNIPPETS = [
  '#include <tbpf/bpf_helpers.h>\nSEC("kprobe/x") int f(struct pt_regs *ctx) { return ctx->si > 5; }',
  'int f(void *ctx) { int a[4]; return a[7]; }',
  '#define A(x) A(x)\nint f(void *c) { return A(1); }',
  '#define B B B\nint f(void *c) { return B; }',
  'struct s { struct s x; };',
  'int f(void *ctx) { for (;;) {} }',
  'int f(void *ctx) { return f(ctx); }',
  `int f(void *ctx) { char s[] = "${'x'.repeat(100)}"; return s[1]; }`,
  '#if 1/0\n#endif',
  '#include "/etc/passwd"',
  '#include <nope.h>',
];

function macroBomb(g: Input): string {
  const levels = 10 + g.int(25);
  return `#define A0 x\n${Array.from({ length: levels }, (_, i) => `#define A${i + 1} A${i} A${i}`).join('\n')}\nint f(void *c) { return A${levels}; }`;
}

function filterC(g: Input): Uint8Array {
  const r = g.rnd();
  const body = r < 0.01 ? macroBomb(g) : r < 0.05 ? `${'('.repeat(20_000)}` : g.mutate(g.pick(C_SNIPPETS));
  return new TextEncoder().encode(`#!bpf c\n${body}\n`);
}

function filterRaw(g: Input): Uint8Array {
  const head = new TextEncoder().encode('#!bpf raw\n');
  const body = Uint8Array.from({ length: 8 * g.int(40) + (g.chance(0.1) ? g.int(8) : 0) }, () => g.int(256));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

let elfSample: Uint8Array | undefined;
function sampleElf(): Uint8Array {
  if (!elfSample) {
    const sample = `#include <tbpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, long); } counts SEC(".maps");
static const volatile int limit = 5;
SEC("kprobe/x") int f(void *ctx) { int k = 0; long *v = bpf_map_lookup_elem(&counts, &k); if (v) *v += limit; return 1; }
char LICENSE[] SEC("license") = "GPL";
`;
    const r = compile(sample, { fileName: 'sample.c' });
    if (!r.bytes) throw new Error(`internal: the ELF sample does not compile: ${r.messages}`);
    elfSample = r.bytes;
  }
  return elfSample;
}

function mutateBytes(g: Input, bytes: Uint8Array): Uint8Array {
  const out = g.chance(0.2) ? bytes.slice(0, g.int(bytes.length)) : bytes.slice();
  for (let k = 1 + g.int(8); k > 0 && out.length > 0; k--) {
    const at = g.int(out.length);
    out[at] = g.chance(0.5) ? g.int(256) : g.pick([0, 0xff, 0x7f, 0x80]);
  }
  return out;
}

/** The input of `seed`, and what parses it. */
export function parserInput(seed: number): { parser: ParserName; run: () => void } {
  const g = new Input(seededRandom(seed));
  const parser = PARSERS[seed % PARSERS.length];
  const filter = (data: Uint8Array) => () => {
    const { source, options } = parseFilterWrite(data);
    planFilter({
      source,
      ctx: options.ctx,
      eventPath: 'skb/kfree_skb',
      fields: FIELDS,
      helpers: HELPERS,
      logLevel: 1,
      targetBtf: TARGET_BTF,
    });
  };
  switch (parser) {
    case 'predicate': {
      const text = predicate(g);
      return { parser, run: () => void compilePredicate(text, FIELDS) };
    }
    case 'kprobe': {
      const line = kprobe(g);
      return { parser, run: () => void parseKprobeCommand(line) };
    }
    case 'filter-asm':
      return { parser, run: filter(filterAsm(g)) };
    case 'filter-c':
      return { parser, run: filter(filterC(g)) };
    case 'filter-raw':
      return { parser, run: filter(filterRaw(g)) };
    case 'filter-elf':
      return { parser, run: filter(mutateBytes(g, sampleElf())) };
    case 'filter-rfc':
      return { parser, run: filter(mutateBytes(g, filterEx1Image())) };
  }
}

/** A child's loop: `{ seed, parser, outcome }` per input; outcome: ok, typed, or `untyped: …`. */
export function parsersChild(from: number, count: number): void {
  for (let seed = from; seed < from + count; seed++) {
    const { parser, run } = parserInput(seed);
    let outcome = 'ok';
    try {
      run();
    } catch (e) {
      const name = e instanceof Error ? e.constructor.name : typeof e;
      const message = String((e as Error).message).slice(0, 200);
      outcome = UNTYPED.has(name)
        ? `untyped: ${name}: ${message}`
        : INTERNAL.test(message)
          ? `internal message in a ${name}: ${message}`
          : 'typed';
    }
    process.stdout.write(`${JSON.stringify({ seed, parser, outcome })}\n`);
  }
}

export interface ParserCampaignReport {
  inputs: number;
  firstSeed: number;
  timeMsPerInput: number;
  heapMbPerInput: number;
  byParser: Record<string, { ok: number; typed: number }>;
  /** Inputs stopped by their time or heap bound. */
  bounded: { seed: number; parser: string; what: string }[];
  findings: { seed: number; parser?: string; what: string }[];
}

export async function runParserCampaign(o: {
  count: number;
  seed: number;
  jobs: number;
  script: string;
  timeMs?: number;
  heapMb?: number;
  progress?: (done: number) => void;
}): Promise<ParserCampaignReport> {
  const timeMs = o.timeMs ?? 5_000;
  const heapMb = o.heapMb ?? 512;
  const report: ParserCampaignReport = {
    inputs: o.count,
    firstSeed: o.seed,
    timeMsPerInput: timeMs,
    heapMbPerInput: heapMb,
    byParser: {},
    bounded: [],
    findings: [],
  };
  let done = 0;
  await runInChildren<{ seed: number; parser: string; outcome: string }>({
    script: o.script,
    command: 'parsers-child',
    execArgv: [`--max-old-space-size=${heapMb}`],
    count: o.count,
    seed: o.seed,
    jobs: o.jobs,
    chunk: 500,
    itemMs: timeMs,
    onLine: ({ seed, parser, outcome }) => {
      report.byParser[parser] ??= { ok: 0, typed: 0 };
      const counts = report.byParser[parser];
      if (outcome === 'ok') counts.ok++;
      else if (outcome === 'typed') counts.typed++;
      else report.findings.push({ seed, parser, what: outcome });
      o.progress?.(++done);
    },
    onFailure: (seed, how) => {
      const parser = PARSERS[seed % PARSERS.length];
      if (how === 'hang') report.bounded.push({ seed, parser, what: `stopped after ${timeMs} ms` });
      else if (/heap limit|out of memory/i.test(how))
        report.bounded.push({ seed, parser, what: `stopped at the ${heapMb} MiB heap` });
      else report.findings.push({ seed, parser, what: `the process died (${how})` });
      o.progress?.(++done);
    },
  });
  report.findings.sort((a, b) => a.seed - b.seed);
  return report;
}

export function parserCampaignText(r: ParserCampaignReport): string {
  const lines = [
    `${r.inputs.toLocaleString('en')} hostile parser inputs (seeds ${r.firstSeed}…${r.firstSeed + r.inputs - 1}), each within ${r.timeMsPerInput} ms and a ${r.heapMbPerInput} MiB heap:`,
    ...Object.entries(r.byParser).map(
      ([p, c]) => `  ${p.padEnd(11)} ${c.ok} parsed, ${c.typed} typed errors`,
    ),
    `  stopped by their bound (as the host's filter worker stops them): ${r.bounded.length}`,
    ...r.bounded.slice(0, 10).map((f) => `    seed ${f.seed} (${f.parser}): ${f.what}`),
    `  findings (untyped errors, engine messages, crashes): ${r.findings.length}`,
    ...r.findings.slice(0, 20).map((f) => `    seed ${f.seed} (${f.parser}): ${f.what}`),
  ];
  return `${lines.join('\n')}\n`;
}
