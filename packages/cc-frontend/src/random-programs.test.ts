/**
 * Differential testing with random programs: seeded random integer code (every width and
 * signedness, promotions, conversions, all operators, branches, loops, enough live values to
 * force spills) compiled by tbpf cc and run in the vm must give what gcc's native code gives.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkProgram } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { interpreter, loadLinked, Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

// A small share in the suite (each program costs ~0.1–0.5 s); `pnpm run random-programs` runs
// 2,000 of each kind (CC_RANDOM_PROGRAMS=N for another count).
const PROGRAMS = Number(process.env.CC_RANDOM_PROGRAMS ?? 25);
const TYPES = [
  'signed char',
  'unsigned char',
  'short',
  'unsigned short',
  'int',
  'unsigned',
  'long',
  'unsigned long',
];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

interface Helper {
  name: string;
  params: string[];
}

/** Random expressions over `vars`, calling `helpers` (when given) with random arguments. */
function expressions(r: () => number, vars: { name: string }[], helpers: Helper[]) {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const literal = () => {
    const n = pick([
      0, 1, 2, 3, 7, 31, 127, 128, 255, 256, 32767, 65535, 0x7fffffff, 0x80000000, 0xffffffff, -1, -128,
      -32768,
    ]);
    const suffix = n > 0x7fffffff ? 'u' : pick(['', '', 'u', 'l', 'ul']);
    return n < 0 ? `(${n}${suffix === 'u' || suffix === 'ul' ? '' : suffix})` : `${n}${suffix}`;
  };
  const expr = (depth: number): string => {
    if (depth <= 0 || r() < 0.25) return r() < 0.7 ? pick(vars).name : literal();
    const a = () => expr(depth - 1);
    switch (Math.floor(r() * (helpers.length > 0 ? 11 : 10))) {
      case 0:
        return `(${pick(['-', '~', '!'])}${a()})`;
      case 1:
        return `((${pick(TYPES)})${a()})`;
      case 2:
        return `(${a()} ? ${a()} : ${a()})`;
      case 3: {
        const d = a();
        return `((${d}) > 0 ? (${a()}) ${pick(['/', '%'])} (${d}) : ${literal()})`;
      }
      case 4:
        return `(${a()} ${pick(['<<', '>>'])} ((${a()}) & 15))`;
      case 5:
        return `(${a()} ${pick(['==', '!=', '<', '<=', '>', '>=', '&&', '||'])} ${a()})`;
      case 10:
        if (helpers.length > 0) {
          const h = pick(helpers);
          return `${h.name}(${h.params.map(() => a()).join(', ')})`;
        }
        return a();
      default:
        return `(${a()} ${pick(['+', '-', '*', '&', '|', '^', '+', '-'])} ${a()})`;
    }
  };
  return { expr, literal, pick };
}

/**
 * Static helper functions (always_inline, inline, plain, noinline; up to 7 parameters when
 * always_inline) with early returns, each calling only earlier ones.
 */
function helpers(r: () => number): { text: string; list: Helper[] } {
  const list: Helper[] = [];
  const text: string[] = [];
  const count = 1 + Math.floor(r() * 4);
  for (let k = 0; k < count; k++) {
    const kind = [
      'static __attribute__((always_inline)) inline',
      'static inline',
      'static',
      'static __attribute__((noinline))',
    ][Math.floor(r() * 4)];
    const max = kind.includes('always_inline') ? 7 : 5;
    const params = Array.from(
      { length: 1 + Math.floor(r() * max) },
      () => TYPES[Math.floor(r() * TYPES.length)],
    );
    const vars = params.map((t, i) => ({ name: `p${i}`, type: t }));
    const { expr } = expressions(r, vars, [...list]);
    const ret = TYPES[Math.floor(r() * TYPES.length)];
    const name = `h${k}`;
    text.push(
      `${kind} ${ret} ${name}(${vars.map((v) => `${v.type} ${v.name}`).join(', ')}) {
` +
        `  if (${expr(2)}) return ${expr(2)};
  ${vars[0].name} += ${expr(2)};
  return ${expr(3)};
}
`,
    );
    list.push({ name, params });
  }
  return { text: text.join(''), list };
}

function generate(seed: number, withCalls = false): string {
  const r = rng(seed);
  const h = withCalls ? helpers(r) : { text: '', list: [] };
  const vars = Array.from({ length: 6 + Math.floor(r() * 6) }, (_, i) => ({
    name: `v${i}`,
    type: TYPES[Math.floor(r() * TYPES.length)],
  }));
  const { expr, pick } = expressions(r, vars, h.list);
  const lines = vars.map((v, i) => `  ${v.type} ${v.name} = (${v.type})IN(${i % 8});`);
  const stmts = 4 + Math.floor(r() * 6);
  for (let i = 0; i < stmts; i++) {
    const v = pick(vars).name;
    switch (Math.floor(r() * 4)) {
      case 0:
        lines.push(`  ${v} ${pick(['=', '+=', '-=', '*=', '^=', '|=', '&='])} ${expr(3)};`);
        break;
      case 1:
        lines.push(`  if (${expr(2)}) ${v} = ${expr(2)}; else ${pick(vars).name} += ${expr(2)};`);
        break;
      case 2:
        lines.push(`  for (int i = 0; i < ${1 + Math.floor(r() * 5)}; i++) ${v} = ${v} * 3 + ${expr(2)};`);
        break;
      default:
        lines.push(`  ${v}${pick(['++', '--'])};`);
    }
  }
  const sum = vars.map((v, i) => `(long)${v.name} * ${2 * i + 1}`).join(' + ');
  return `${h.text}long f(struct ctx *ctx) {\n${lines.join('\n')}\n  return ${sum};\n}\n`;
}

const HEADER = 'struct ctx { long long a[8]; };\n#define IN(i) (ctx->a[i])\n';
const INPUTS: bigint[][] = [
  [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n],
  [-1n, 0n, 0x7fffffffn, -0x80000000n, 255n, 0x123456789abcdefn, -7n, 65535n],
  [0x80n, -2n, 100000n, 3n, -300n, 0xffffffffn, 1n << 40n, -(1n << 62n)],
];

/** Compiles each source with tbpf cc (run in the vm) and with gcc (native); the results must agree. */
function differential(sources: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'cc-random-'));
  const files = sources.map((src, i) => {
    const file = join(dir, `p${i}.c`);
    writeFileSync(file, `${HEADER}#define f f${i}\n${src}`);
    return file;
  });
  const table = sources.map((_, i) => `f${i},`).join('');
  writeFileSync(
    join(dir, 'main.c'),
    `${HEADER}#include <stdio.h>\n${sources.map((_, i) => `long f${i}(struct ctx *);`).join('\n')}\nstatic long (*fs[])(struct ctx *) = {${table}};\n` +
      `static struct ctx in[] = {${INPUTS.map((v) => `{{${v.map((x) => `${x}LL`).join(',')}}}`).join(',')}};\n` +
      `int main(void) { for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) for (int k = 0; k < ${INPUTS.length}; k++) printf("%llu\\n", (unsigned long long)fs[i](&in[k])); return 0; }\n`,
  );
  const exe = join(dir, 'main');
  execFileSync('gcc', ['-O1', '-fwrapv', '-w', '-o', exe, join(dir, 'main.c'), ...files]);
  const native = execFileSync(exe, { encoding: 'utf8' }).trim().split('\n').map(BigInt);
  expect(native.length).toBe(sources.length * INPUTS.length);
  let compared = 0;
  sources.forEach((src, i) => {
    const r = compile(`${HEADER}${src}`, { fileName: `p${i}.c` });
    if (!r.object) throw new Error(`${r.messages}\n${src}`);
    const runtime = new Runtime({ memoryBytes: 1 << 20 });
    const prog = interpreter.prepare(
      loadLinked(runtime, linkProgram({ ...r.object, programs: r.object.functions }, 'f')),
    );
    INPUTS.forEach((vals, k) => {
      const ctx = new Uint8Array(64);
      for (const [j, v] of vals.entries())
        new DataView(ctx.buffer).setBigInt64(j * 8, BigInt.asIntN(64, v), true);
      const got = prog.run(runtime.allocData(ctx, 'ctx').start);
      const want = native[i * INPUTS.length + k];
      if (got !== want) expect(`${src}\ninput ${k}: ${got}`).toBe(`${src}\ninput ${k}: ${want}`);
      compared++;
    });
  });
  expect(compared).toBe(sources.length * INPUTS.length);
  // The inputs exercise more than one path: results are not all alike.
  expect(new Set(native).size).toBeGreaterThan(sources.length);
}

describe('random programs: tbpf cc in the vm agrees with native gcc', () => {
  it.runIf(haveTool('gcc'))(
    `${PROGRAMS} seeded programs`,
    () => differential(Array.from({ length: PROGRAMS }, (_, i) => generate(1000 + i))),
    Math.max(120_000, PROGRAMS * 1_500),
  );
  it.runIf(haveTool('gcc'))(
    `${PROGRAMS} seeded programs calling static, inline, always_inline and noinline functions`,
    () => differential(Array.from({ length: PROGRAMS }, (_, i) => generate(5000 + i, true))),
    Math.max(120_000, PROGRAMS * 1_500),
  );
});
